// Stage 10: the plan's files are written into the guest (network per NIC and
// IP, fstab, hostname, resolv.conf, consoles, CloudStack scripts) and the
// OpenVZ leftovers removed.
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
  return succeeded(undefined, {
    message: `wrote ${plan.write.map((w) => w.path).join(', ')}`,
    result: { written: plan.write.map((w) => w.path), removed: plan.remove },
  });
}
