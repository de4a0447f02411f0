// One rsync pass over SSH from the container onto the mounted work disk,
// shared by initial_sync, await_cutover's catch-up syncs and final_sync.
// The first two copy the running container from its mounted root
// (/vz/root/<CTID>); final_sync copies the stopped one from its private area
// with --delete, so the disk becomes exact. Progress comes from rsync's own --info=progress2 output; its exit
// code decides (24 is normal while the container runs). What make_bootable's
// job wrote before the downtime is left alone (protect filters).
import { AppError, ExecError } from '@vzferry/core';
import { BACKUP_DIR, BOOT_JOB_DIR, BOOT_OUTPUTS } from '@vzferry/guest';
import { describeSync, judgeRsyncExit, parseRsyncProgress, parseRsyncStats, rsyncArgv, type SyncPass } from './rsync';
import { succeeded, type StageContext, type StageReturn } from './stage-contract';
import type { StageDeps } from './stage-deps';
import { boxDiskFull, discardWorkDisk, ensureMounted, workPaths, type WorkPaths } from './work-disk';

/** What a pass keeps on its stage run (and await_cutover records of a catch-up); bytes in text. */
export interface SyncResult {
  files: number;
  filesTransferred: number;
  bytesSent: string;
  bytesTotal: string;
  deleted: number;
}

export async function rsyncPass(ctx: StageContext, deps: StageDeps, pass: SyncPass): Promise<StageReturn> {
  const final = pass === 'final';
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
      protect: [
        ...(ctx.run.state.bootInputs ? BOOT_OUTPUTS : []),
        // a staged run's copy holds the backup and the boot ISO's files since before the window
        ...(ctx.run.state.cutoverPath === 'staged' ? [`${BACKUP_DIR}/`, `${BOOT_JOB_DIR}/`] : []),
      ],
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
  let code = 0;
  let failure: unknown = null;
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
    failure = err;
  }
  if (!ctx.signal.aborted) await checkWritten(ctx, deps, paths, failure !== null);
  if (failure) {
    const err = failure;
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
    message: describeSync(pass, stats, code === 24),
    result: stats
      ? ({
          files: stats.files,
          filesTransferred: stats.regularFilesTransferred,
          bytesSent: stats.transferredFileSize.toString(),
          bytesTotal: stats.totalFileSize.toString(),
          deleted: stats.deletedFiles,
        } satisfies SyncResult)
      : null,
  });
}

/**
 * The copy is on the work disk only once its file system has written it:
 * rsync does not flush, and when the box's own disk is full the sparse work
 * disk cannot grow, so the kernel drops rsync's writes after rsync said it
 * was done (exit 0). A flush that fails, or an rsync that failed on a full
 * box, discards the work disk (its copy cannot be trusted) and fails the run
 * with the box's disk as the reason.
 */
async function checkWritten(ctx: StageContext, deps: StageDeps, paths: WorkPaths, rsyncFailed: boolean): Promise<void> {
  const flush = await deps.local.exec(['sync', '--file-system', paths.mount], { allowExitCodes: [0, 1] });
  const full = await boxDiskFull(
    ctx,
    deps,
    `the run's work disk could not take the copy (${flush.stderr.trim() || 'rsync failed'})`,
  );
  if (flush.code === 0 && !(rsyncFailed && full)) return;
  await discardWorkDisk(deps.local, paths);
  ctx.log('warn', `the work disk ${paths.image} lost writes: discarded, the next attempt makes it again`);
  if (full) throw full;
  throw new AppError(
    'work_disk_damaged',
    `writing the work disk ${paths.image} failed (${flush.stderr.trim()}): its copy was discarded; Retry copies again`,
  );
}
