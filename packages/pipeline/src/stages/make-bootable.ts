// Stage 11: the boot packages checked, the initramfs with virtio drivers and
// grub, made by the guest's own tools in the appliance VM on the work disk,
// unless the job that ran before the downtime (initial_sync) still stands:
// then no VM starts in the downtime. A grub-legacy guest instead gets the
// boot ISO's job and a one-time call-back token; deploy_vm boots the ISO.
import type { ConversionPlan } from '@vzferry/guest';
import { makeBootable as runMakeBootable } from '../box/apply-plan';
import { writeBootCallback } from '../legacy-boot';
import { writeStagingFiles } from '../staged-vm';
import { bootInputsFingerprint } from '../box/boot-inputs';
import { applyOptions, guestRunnerFor, storedPlan } from '../conversion-plan';
import { succeeded, type StageContext, type StageReturn } from '../stage-contract';
import type { StageDeps } from '../stage-deps';
import { ensureMounted, workPaths } from '../work-disk';

export async function makeBootable(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const ret = await makeBootFiles(ctx, deps);
  if (ctx.run.state.cutoverPath !== 'staged') return ret;
  writeStagingFiles(ctx, deps, workPaths(ctx.run.box.workDir, ctx.run.runId).mount);
  return { ...ret, message: `${ret.message ?? 'boot files in place'}; the boot ISO's pull credential is in the image` };
}

async function makeBootFiles(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const paths = workPaths(ctx.run.box.workDir, ctx.run.runId);
  const disk = await ensureMounted(deps.local, paths);
  const plan = storedPlan(ctx.run);
  if (plan.legacyBootIso) return prepareBootIsoCallback(ctx, deps, paths.mount, plan);
  // the job that ran before the downtime stands if nothing it is made from changed since
  const early = ctx.run.state.bootInputs;
  if (early !== null && (await bootInputsFingerprint(paths.mount, plan)) === early)
    return succeeded(undefined, {
      message: `kernel, initramfs with virtio and grub in place, made before the downtime (nothing they are made from changed; ${plan.kernelCmdline})`,
    });
  if (early) ctx.log('info', 'what the boot files are made from changed in the final sync: making them again');
  await runMakeBootable(guestRunnerFor(deps, paths, disk), paths.mount, plan, applyOptions(ctx));
  return succeeded(undefined, { message: `kernel, initramfs with virtio and grub in place (${plan.kernelCmdline})` });
}

/** The boot files, made again on the copy only if what they are made from changed since `bootInputs`. */
export async function remakeBootFilesIfChanged(ctx: StageContext, deps: StageDeps): Promise<boolean> {
  const paths = workPaths(ctx.run.box.workDir, ctx.run.runId);
  const disk = await ensureMounted(deps.local, paths);
  const plan = storedPlan(ctx.run);
  const early = ctx.run.state.bootInputs;
  if (early !== null && (await bootInputsFingerprint(paths.mount, plan)) === early) return false;
  await runMakeBootable(guestRunnerFor(deps, paths, disk), paths.mount, plan, applyOptions(ctx));
  return true;
}

/**
 * grub 0.97 cannot be installed from here: the boot ISO runs the plan's job
 * on the VM (deploy_vm). It finds where to call back, with a one-time token,
 * in the guest; the run keeps only the token's hash (written by issueToken).
 */
async function prepareBootIsoCallback(
  ctx: StageContext,
  deps: StageDeps,
  mount: string,
  plan: ConversionPlan,
): Promise<StageReturn> {
  const iso = plan.legacyBootIso!;
  const base = await writeBootCallback(ctx, deps, mount, iso.callbackFile);
  return succeeded(undefined, {
    message: `${plan.os.description} uses grub 0.97: the boot ISO runs ${iso.job} on the VM in deploy_vm and calls back to ${base}`,
  });
}
