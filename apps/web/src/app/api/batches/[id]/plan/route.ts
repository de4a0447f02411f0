import { getBatchPlan } from '@vzferry/db';
import { batchPlanSchema } from '@/api/planner';
import { idParamsSchema } from '@/api/wire';
import { server } from '@/server/context';
import { projectedDowntimeMs } from '@/server/projected-downtime';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** The planner's view of a batch: totals, hosts, each container's window, projected downtime and dry-run findings. */
export const GET = route({ access: 'read', params: idParamsSchema, output: batchPlanSchema }, async ({ params }) => {
  const plan = await getBatchPlan(server().db, params.id);
  return {
    ...plan,
    runs: plan.runs.map((r) => ({ ...r, projectedDowntimeMs: projectedDowntimeMs(r.container) })),
  };
});
