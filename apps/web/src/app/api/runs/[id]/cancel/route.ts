import { cancelRun } from '@vzferry/db';
import { idParamsSchema, queuedSchema } from '@/api/wire';
import { server } from '@/server/context';
import { enqueueFollowUps } from '@/server/follow-up';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Cancels a run at any stage; its box starts the source container again if it was stopped. */
export const POST = route(
  {
    access: 'operate',
    audit: { action: 'run.cancel', target: 'MigrationRun' },
    params: idParamsSchema,
    output: queuedSchema,
    status: 202,
  },
  async ({ params, actor }) => {
    const { db, producer } = server();
    await enqueueFollowUps(producer, await cancelRun(db, params.id, actor));
    return { queued: true };
  },
);
