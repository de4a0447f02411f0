import { retryRun } from '@vzferry/db';
import { idParamsSchema, queuedSchema } from '@/api/wire';
import { server } from '@/server/context';
import { enqueueFollowUps } from '@/server/follow-up';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** A failed run goes on from its failed stage (a downtime failure from stop_source). */
export const POST = route(
  {
    access: 'operate',
    audit: { action: 'run.retry', target: 'MigrationRun' },
    params: idParamsSchema,
    output: queuedSchema,
    status: 202,
  },
  async ({ params, actor }) => {
    const { db, producer } = server();
    await enqueueFollowUps(producer, await retryRun(db, params.id, actor));
    return { queued: true };
  },
);
