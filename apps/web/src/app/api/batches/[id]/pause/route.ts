import { setBatchPaused } from '@vzferry/db';
import { batchPauseSchema, batchStatusSchema } from '@/api/batches';
import { idParamsSchema } from '@/api/wire';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** { paused: true } holds the batch (running stages finish, nothing new starts); false resumes it. */
export const POST = route(
  {
    access: 'operate',
    audit: { action: 'batch.pause', target: 'Batch' },
    params: idParamsSchema,
    body: batchPauseSchema,
    output: batchStatusSchema,
  },
  async ({ params, body, audit }) => {
    audit({ details: { paused: body.paused } });
    return setBatchPaused(server().db, params.id, body.paused);
  },
);
