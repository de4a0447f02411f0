// Stage 7: the stopped container's private area onto the work disk with
// --delete (rsync-pass.ts): only what changed since the initial sync moves.
import { rsyncPass } from '../rsync-pass';
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
  return {
    ...synced,
    patch: { imagePath: null, imageSha256: null, imageBytes: null, ...(fresh && { bootInputs: null }) },
  };
}
