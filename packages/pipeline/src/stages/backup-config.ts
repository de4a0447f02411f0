// Stage 9: the conversion plan is made (once: a retry applies the same plan
// even if the mappings changed meanwhile) and kept on the run, and every
// file it will change is copied into a backup folder inside the guest.
import type { DetectedOs } from '@vzferry/guest';
import { backupPlanFiles } from '../box/apply-plan';
import { planFor } from '../conversion-plan';
import { succeeded, type StageContext, type StageReturn } from '../stage-contract';
import type { StageDeps } from '../stage-deps';
import { ensureMounted, workPaths } from '../work-disk';

export async function backupConfig(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const paths = workPaths(ctx.run.box.workDir, ctx.run.runId);
  await ensureMounted(deps.local, paths);
  const plan = await planFor(ctx, deps, paths.mount, (ctx.run.state.detectedOs as DetectedOs | null) ?? undefined);
  await backupPlanFiles(deps.local, paths.mount, plan, (l) => ctx.log('info', l));
  return succeeded(
    { conversionPlan: plan },
    {
      message: `${plan.backup.length} files backed up to ${plan.backupDir}; plan: ${plan.write.length} writes, ${plan.remove.length} removals, ${plan.commands.length} commands`,
      result: { backup: plan.backup },
    },
  );
}
