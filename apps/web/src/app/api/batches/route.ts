// Batches: list them, and create one (a draft: the planner) from the
// containers page's current filter (every matching container, up to 5,000)
// or from the containers an engineer picked, with its start time, its
// concurrency and its limit per source host.
import { AppError } from '@vzferry/core';
import {
  containerFilterSchema,
  containerIdsMatching,
  createBatch,
  listBatches,
  type ContainerFilter,
} from '@vzferry/db';
import { batchCreatedSchema, batchListSchema, checkOneSource, newBatchSchema } from '@/api/batches';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

const MAX_CONTAINERS = 5000;

/** The filter checked here, against the containers query: a malformed one is a 400 naming `filter.<field>`. */
const newBatchBody = newBatchSchema.extend({ filter: containerFilterSchema.optional() }).superRefine(checkOneSource);

export const GET = route({ access: 'read', output: batchListSchema }, async () => listBatches(server().db));

export const POST = route(
  {
    access: 'operate',
    audit: { action: 'batch.create', target: 'Batch' },
    body: newBatchBody,
    output: batchCreatedSchema,
    status: 201,
  },
  async ({ body, actor, audit }) => {
    const { db } = server();
    const containerIds = body.containerIds ?? (await idsOfFilter(body.filter ?? {}));
    const { name, concurrency, perHostConcurrency, startAt } = body;
    const batch = await createBatch(db, { name, concurrency, perHostConcurrency, startAt, containerIds }, actor);
    audit({
      targetId: batch.id,
      details: {
        name,
        containers: containerIds.length,
        startAt: batch.startAt?.toISOString() ?? null,
        concurrency: batch.concurrency,
        perHostConcurrency: batch.perHostConcurrency,
      },
    });
    return batch;
  },
);

async function idsOfFilter(filter: ContainerFilter): Promise<string[]> {
  const { ids, overLimit } = await containerIdsMatching(server().db, filter, MAX_CONTAINERS);
  if (ids.length === 0) throw new AppError('invalid_input', 'filter: the filter matches no container; widen it');
  if (overLimit)
    throw new AppError(
      'batch_too_big',
      `the filter matches more than ${MAX_CONTAINERS.toLocaleString('en')} containers; narrow it`,
    );
  return ids;
}
