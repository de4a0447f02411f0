// Stage 2: a kernel and a boot loader, installed inside the running
// container with its own package manager, where its repositories and DNS
// work. The only change our code makes to a source container.
import { toCtid } from '@vzferry/openvz';
import { kernelInstallCommand, kernelInstallSummary, parseOsTemplate } from '@vzferry/guest';
import { AppError } from '@vzferry/core';
import { type StageContext, type StageReturn, succeeded } from '../stage-contract';
import { containerLabel, type StageDeps } from '../stage-deps';

export async function prepareSource(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const os = parseOsTemplate(ctx.run.container.ostemplate);
  if (!os) throw new AppError('os_unknown', `${containerLabel(ctx.run)}: unknown OS template`);
  const ctid = toCtid(ctx.run.container.sourceCtid);
  const src = await deps.source(ctx.run);
  const state = await src.adapter.status(ctid, { signal: ctx.signal, timeoutMs: 30_000 });
  if (!state.running) {
    // a stopped container stays stopped: its own kernel and boot loader must be there (make_bootable checks)
    return succeeded(undefined, {
      message:
        'the container is stopped: nothing is installed in it; make_bootable checks that its kernel and boot loader are installed',
    });
  }
  const argv = kernelInstallCommand(os);
  ctx.command(['vzctl', 'exec', String(ctid), ...argv], ctx.run.sourceHost.name);
  await src.adapter.exec(ctid, argv, {
    signal: ctx.signal,
    timeoutMs: 30 * 60_000,
    onStdout: (c) => ctx.output('stdout', c),
    onStderr: (c) => ctx.output('stderr', c),
  });
  return succeeded(undefined, { message: kernelInstallSummary(os) });
}
