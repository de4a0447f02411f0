import { requestDryRunPreflight } from '@vzferry/db';
import { dryRunRequestedSchema } from '@/api/planner';
import { idParamsSchema } from '@/api/wire';
import { server } from '@/server/context';
import { enqueueFollowUps } from '@/server/follow-up';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Queues a dry run of preflight for the runs of the batch that have not started; the plan shows its findings. */
export const POST = route(
  {
    access: 'operate',
    audit: { action: 'batch.dry_run', target: 'Batch' },
    params: idParamsSchema,
    output: dryRunRequestedSchema,
    status: 202,
  },
  async ({ params, actor }) => {
    const { db, producer } = server();
    const { job, ...requested } = await requestDryRunPreflight(db, params.id, actor);
    await enqueueFollowUps(producer, [job]);
    return requested;
  },
);
