// The conversion plan of a run's guest (packages/guest planConversion) from
// the files on the work disk and the guest's network after migration, and
// the same plan read back from the run, checked, for the stages after
// backup_config. Also the initramfs built on the live copy before the
// downtime (initial_sync), which make_bootable then keeps if its inputs did
// not change.
import { AppError, formatZodError, type RunSnapshot } from '@vzferry/core';
import {
  conversionPlanSchema,
  planConversion,
  treeFiles,
  type ConversionPlan,
  type DetectedOs,
  type GuestNetwork,
} from '@vzferry/guest';
import { makeBootable as runMakeBootable, rewritePlanFiles, type ApplyOptions } from './box/apply-plan';
import type { AttachedDisk } from './box/disk';
import type { GuestRunner } from './box/guest-job';
import { bootInputsFingerprint } from './box/boot-inputs';
import { NicPlanError, planNics } from './nic-plan';
import type { StageContext } from './stage-contract';
import type { StageDeps } from './stage-deps';
import { ensureMounted, type WorkPaths } from './work-disk';

/** The guest's network after migration: one NIC per mapped network, in CloudStack's order. */
export async function guestNetwork(run: RunSnapshot, deps: StageDeps): Promise<GuestNetwork> {
  const { networks } = await deps.mappings();
  let nics;
  try {
    nics = planNics(run.container.ips, networks);
  } catch (err) {
    if (err instanceof NicPlanError) throw new AppError('network_unmapped', err.message);
    throw err;
  }
  return {
    hostname: run.container.hostname ?? `ct${run.container.sourceCtid}`,
    nameservers: run.container.nameservers,
    searchDomains: run.container.searchDomains,
    nics: nics.map((n) => ({
      device: n.device,
      ipv4: [...(n.primary.address.includes(':') ? [] : [n.primary]), ...n.extra.filter((e) => e.family === 4)],
      ipv6: [
        ...(n.primary.address.includes(':') ? [n.primary] : []),
        ...n.ipv6,
        ...n.extra.filter((e) => e.family === 6),
      ],
      gateway: n.gateway,
      ipv6Gateway: n.ipv6Gateway,
    })),
  };
}

/**
 * The plan backup_config kept on the run. It is JSON in PostgreSQL, so it is
 * checked when read back: a plan of an older shape, or one edited by hand,
 * stops the run with a clear error instead of rewriting a guest wrongly.
 */
export function storedPlan(run: RunSnapshot): ConversionPlan {
  if (run.state.conversionPlan === null) throw new AppError('no_plan');
  const parsed = conversionPlanSchema.safeParse(run.state.conversionPlan);
  if (!parsed.success) {
    throw new AppError(
      'no_plan',
      `the run's stored conversion plan is not valid (${formatZodError(parsed.error)}); retry from backup_config`,
    );
  }
  return parsed.data;
}

/** The conversion plan of the guest on the work disk (the same inputs before and during the downtime). */
export async function planFor(
  ctx: StageContext,
  deps: StageDeps,
  mount: string,
  os?: DetectedOs,
): Promise<ConversionPlan> {
  return planConversion({
    files: treeFiles(mount),
    os,
    network: await guestNetwork(ctx.run, deps),
    rootUuid: ctx.run.runId,
  });
}

export function applyOptions(ctx: StageContext): ApplyOptions {
  return { log: (l: string) => ctx.output('stdout', `${l}\n`), signal: ctx.signal };
}

/** The guest job's runner on the run's work disk (the appliance VM on a real box). */
export function guestRunnerFor(deps: StageDeps, paths: WorkPaths, disk: AttachedDisk): GuestRunner {
  return deps.guestRunner({ disk, mount: paths.mount, scratch: paths.dir });
}

/**
 * make_bootable's whole job (the package check, the initramfs, grub, the
 * units: minutes in the appliance VM without KVM) on the copy the initial
 * sync made, while the container still runs: the plan's files are written
 * and its commands run, as make_bootable would. The final sync then
 * restores the container's own files except what the job wrote
 * (BOOT_OUTPUTS), and make_bootable runs it again only if what it is made
 * from changed. Returns that fingerprint, or null when there is nothing to
 * do early (grub-legacy guests) or it failed: then make_bootable does all of
 * it in the downtime, as before.
 */
export async function makeBootableEarly(ctx: StageContext, deps: StageDeps, paths: WorkPaths): Promise<string | null> {
  try {
    const disk = await ensureMounted(deps.local, paths);
    const plan = await planFor(ctx, deps, paths.mount);
    if (plan.legacyBootIso || plan.commands.length === 0) return null;
    ctx.log('info', `making the live copy bootable (${plan.os.description}), before the downtime`);
    await rewritePlanFiles(paths.mount, plan);
    await runMakeBootable(guestRunnerFor(deps, paths, disk), paths.mount, plan, applyOptions(ctx));
    return await bootInputsFingerprint(paths.mount, plan);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    ctx.log(
      'warn',
      `the copy could not be made bootable before the downtime (${(err as Error).message}); make_bootable does it in the downtime`,
    );
    return null;
  }
}
