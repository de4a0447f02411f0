// Stage 10: the plan's files are written into the guest (network per NIC and
// IP, fstab, hostname, resolv.conf, consoles, CloudStack scripts) and the
// OpenVZ leftovers removed. What changed in the guest's own configuration
// (backup against rewritten, vzctl's venet0 lines left out) goes to the log
// and the attempt's result, for the run page.
import { errorMessage } from '@vzferry/core';
import { configDiff, treeFiles, type ConversionPlan, type GuestFiles } from '@vzferry/guest';
import { rewritePlanFiles } from '../box/apply-plan';
import { storedPlan } from '../conversion-plan';
import { succeeded, type StageContext, type StageReturn } from '../stage-contract';
import type { StageDeps } from '../stage-deps';
import { ensureMounted, workPaths } from '../work-disk';

export async function rewriteConfig(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const paths = workPaths(ctx.run.box.workDir, ctx.run.runId);
  await ensureMounted(deps.local, paths);
  const plan = storedPlan(ctx.run);
  await rewritePlanFiles(paths.mount, plan);
  const diff = diffAgainstBackup(ctx, paths.mount, plan);
  return succeeded(undefined, {
    message: `wrote ${plan.write.map((w) => w.path).join(', ')}`,
    result: { written: plan.write.map((w) => w.path), removed: plan.remove, configDiff: diff },
  });
}

/** The config diff, logged; informational, so a backup it cannot read is a warning, not a failed stage. */
function diffAgainstBackup(ctx: StageContext, mount: string, plan: ConversionPlan) {
  // the backup is read inside the guest root like every guest path (guest-root.ts)
  const guest = treeFiles(mount);
  const backup: GuestFiles = {
    read: (f) => guest.read(`${plan.backupDir}${f}`),
    exists: (f) => guest.exists(`${plan.backupDir}${f}`),
    list: (d) => guest.list(`${plan.backupDir}${d}`),
  };
  try {
    const diff = configDiff(plan, backup);
    for (const d of diff) {
      ctx.log('info', `changed ${d.from}${d.to === null ? ' (removed)' : d.to !== d.from ? ` -> ${d.to}` : ''}:`);
      for (const line of d.lines) ctx.log('info', `  ${line}`);
    }
    return diff;
  } catch (err) {
    ctx.log('warn', `the diff of the guest's configuration could not be made: ${errorMessage(err)}`);
    return [];
  }
}
