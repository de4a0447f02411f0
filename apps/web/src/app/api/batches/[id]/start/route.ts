import { startBatch } from '@vzferry/db';
import { batchStatusSchema } from '@/api/batches';
import { idParamsSchema } from '@/api/wire';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Starts a draft batch now; the schedulers of the converter boxes take its runs. */
export const POST = route(
  {
    access: 'operate',
    audit: { action: 'batch.start', target: 'Batch' },
    params: idParamsSchema,
    output: batchStatusSchema,
  },
  async ({ params }) => startBatch(server().db, params.id, {}),
);
