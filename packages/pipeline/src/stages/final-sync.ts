// Stage 7: the stopped container's private area onto the work disk with
// --delete (rsync-pass.ts): only what changed since the initial sync moves.
// In a staged run the staged VM then pulls the changes from the box.
import { rewritePlanFiles } from '../box/apply-plan';
import { storedPlan } from '../conversion-plan';
import { rsyncPass } from '../rsync-pass';
import { cutoverVm } from '../staged-vm';
import { ensureMounted, workPaths } from '../work-disk';
import { remakeBootFilesIfChanged } from './make-bootable';
import { remakeDiscardedDisk } from './create-disk';
import type { StageContext, StageReturn } from '../stage-contract';
import type { StageDeps } from '../stage-deps';

export async function finalSync(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  // a new blank disk holds nothing make_bootable's early job wrote: the copy protects none of it, and
  // make_bootable does all its work in the downtime
  const fresh = await remakeDiscardedDisk(ctx, deps);
  const run = fresh ? { ...ctx.run, state: { ...ctx.run.state, bootInputs: null } } : ctx.run;
  const synced = await rsyncPass({ ...ctx, run }, deps, 'final');
  // the disk holds the container as it is now: an image made before (a Retry
  // after a rollback, while the container ran again) is out of date
  deps.templateServer.unpublishRun(ctx.run.runId);
  const patch = { imagePath: null, imageSha256: null, imageBytes: null, ...(fresh && { bootInputs: null }) };
  if (run.state.cutoverPath !== 'staged' || synced.outcome.kind !== 'succeeded') return { ...synced, patch };
  const vm = await intoStagedVm({ ...ctx, run }, deps);
  return {
    ...synced,
    message: `${synced.message ?? 'final sync done'}; VM ${vm.name} pulled the changes and runs`,
    patch: { ...patch, cloudstackVmId: vm.id, cloudstackVmName: vm.name },
  };
}

/**
 * A staged run: the sync brought the container's own configuration back, so
 * the plan's files are written again (and the boot files made again if what
 * they are made from changed); then the VM pulls the copy (staged-vm.ts).
 */
async function intoStagedVm(ctx: StageContext, deps: StageDeps) {
  const paths = workPaths(ctx.run.box.workDir, ctx.run.runId);
  await ensureMounted(deps.local, paths);
  await rewritePlanFiles(paths.mount, storedPlan(ctx.run));
  if (await remakeBootFilesIfChanged(ctx, deps))
    ctx.log('info', 'what the boot files are made from changed since staging: made them again on the copy');
  return cutoverVm(ctx, deps, paths.mount);
}
