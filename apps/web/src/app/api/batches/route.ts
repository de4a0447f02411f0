// Batches: list them, and create one from the containers page's current
// filter (every matching container, up to 5,000) or from a list of ids.
import { AppError } from '@vzferry/core';
import { containerIdsMatching, createBatch, listBatches } from '@vzferry/db';
import { batchCreatedSchema, batchListSchema, newBatchSchema } from '@/api/batches';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

const MAX_CONTAINERS = 5000;

export const GET = route({ access: 'read', output: batchListSchema }, async () => listBatches(server().db));

export const POST = route(
  {
    access: 'operate',
    audit: { action: 'batch.create', target: 'Batch' },
    body: newBatchSchema,
    output: batchCreatedSchema,
    status: 201,
  },
  async ({ body, actor, audit }) => {
    const { db } = server();
    const containerIds = body.containerIds ?? (await idsOfFilter(body.filter ?? {}));
    const batch = await createBatch(db, { name: body.name, concurrency: body.concurrency, containerIds }, actor);
    audit({ targetId: batch.id, details: { name: body.name, containers: containerIds.length } });
    return batch;
  },
);

async function idsOfFilter(filter: Record<string, string>): Promise<string[]> {
  const { ids, overLimit } = await containerIdsMatching(server().db, filter, MAX_CONTAINERS);
  if (overLimit)
    throw new AppError(
      'batch_too_big',
      `the filter matches more than ${MAX_CONTAINERS.toLocaleString('en')} containers; narrow it`,
    );
  return ids;
}
