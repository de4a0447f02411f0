// One rsync pass over SSH from the container onto the mounted work disk,
// shared by initial_sync and final_sync. initial_sync copies the running
// container from its mounted root (/vz/root/<CTID>); final_sync copies the
// stopped one from its private area with --delete, so the disk becomes
// exact. Progress comes from rsync's own --info=progress2 output; its exit
// code decides (24 is normal while the container runs). What make_bootable's
// job wrote before the downtime is left alone (protect filters).
import { AppError, ExecError } from '@vzferry/core';
import { BOOT_OUTPUTS } from '@vzferry/guest';
import { describeSync, judgeRsyncExit, parseRsyncProgress, parseRsyncStats, rsyncArgv } from './rsync';
import { succeeded, type StageContext, type StageReturn } from './stage-contract';
import type { StageDeps } from './stage-deps';
import { ensureMounted, workPaths } from './work-disk';

export async function rsyncPass(ctx: StageContext, deps: StageDeps, final: boolean): Promise<StageReturn> {
  const c = ctx.run.container;
  const paths = workPaths(ctx.run.box.workDir, ctx.run.runId);
  await ensureMounted(deps.local, paths);
  const src = await deps.source(ctx.run);
  const from = final ? (c.privatePath ?? `/vz/private/${c.sourceCtid}`) : (c.rootPath ?? `/vz/root/${c.sourceCtid}`);
  const settings = await deps.settings();
  const limits = [
    ctx.run.batch.bandwidthLimitKbps,
    ctx.run.sourceHost.bandwidthLimitKbps,
    settings.rsyncBandwidthLimitKbps,
  ].filter((v): v is number => v !== null && v > 0);
  const argv = (remoteShell: string) =>
    rsyncArgv({
      source: {
        remoteShell,
        user: ctx.run.sourceHost.username,
        host: ctx.run.sourceHost.address,
        path: from,
      },
      dest: paths.mount,
      delete: final,
      bandwidthLimitKbps: limits.length ? Math.min(...limits) : null,
      protect: ctx.run.state.bootInputs ? BOOT_OUTPUTS : [],
    });
  const total = c.diskUsedKb ? c.diskUsedKb * 1024n : null;
  let out = '';
  const onStdout = (chunk: string) => {
    out += chunk;
    for (const line of chunk.split(/[\r\n]/)) {
      const p = parseRsyncProgress(line);
      if (p)
        ctx.progress({
          percent: p.percent,
          bytesDone: p.bytes,
          ...(total ? { bytesTotal: total } : {}),
          ...(p.total ? { filesTotal: p.total, filesDone: p.total - (p.toCheck ?? 0) } : {}),
        });
    }
  };
  let code: number;
  try {
    // the host's decrypted key is a file for this one rsync only
    code = await src.withRsyncShell(async (remoteShell) => {
      ctx.command(argv(remoteShell), 'local');
      const res = await deps.local.exec(argv(remoteShell), {
        signal: ctx.signal,
        onStdout,
        onStderr: (s) => ctx.output('stderr', s),
        allowExitCodes: [0, 24],
        maxCaptureBytes: 256 * 1024,
      });
      return res.code;
    });
  } catch (err) {
    if (!(err instanceof ExecError) || err.code === null) throw err;
    const verdict = judgeRsyncExit(err.code);
    const message = `rsync from ${ctx.run.sourceHost.name}:${from} failed with exit code ${err.code}: ${verdict.meaning}`;
    throw new AppError(verdict.retryable ? 'rsync_interrupted' : 'rsync_failed', message, {
      cause: err,
      details: { exitCode: err.code },
    });
  }
  const stats = parseRsyncStats(out);
  ctx.output('stdout', out.split(/\r/).pop() ?? '');
  return succeeded(undefined, {
    message: describeSync(final ? 'final' : 'initial', stats, code === 24),
    result: stats
      ? {
          files: stats.files,
          bytesSent: stats.transferredFileSize.toString(),
          bytesTotal: stats.totalFileSize.toString(),
          deleted: stats.deletedFiles,
        }
      : null,
  });
}
