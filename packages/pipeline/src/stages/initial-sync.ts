// Stage 4: the running container, copied onto the work disk while it keeps
// running (rsync-pass.ts), with a warning in the run's log when the
// hypervisor's rsync has the sender's symlink race (rsync-version.ts). Then
// make_bootable's job (the initramfs, grub) runs on the copy, out of the
// downtime (docs/architecture.md, "Downtime").
import { makeBootableEarly } from '../conversion-plan';
import { rsyncPass } from '../rsync-pass';
import { sourceRsyncVersion, symlinkRaceWarning } from '../rsync-version';
import type { StageContext, StageReturn } from '../stage-contract';
import type { StageDeps } from '../stage-deps';
import { workPaths } from '../work-disk';
import { remakeDiscardedDisk } from './create-disk';

export async function initialSync(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const version = await sourceRsyncVersion((await deps.source(ctx.run)).host, ctx.signal);
  const warning = symlinkRaceWarning(version, ctx.run.sourceHost.name);
  if (warning) ctx.log('warn', warning);
  await remakeDiscardedDisk(ctx, deps);
  const synced = await rsyncPass(ctx, deps, 'initial');
  const syncedAt = ctx.now();
  const bootInputs = await makeBootableEarly(ctx, deps, workPaths(ctx.run.box.workDir, ctx.run.runId));
  return { ...synced, patch: { bootInputs, lastSyncEndedAt: syncedAt } };
}
