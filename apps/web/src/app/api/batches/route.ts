// Batches: list them, and create one from the containers page's current
// filter (every matching container, up to 5,000) or from a list of ids.
import { AppError } from '@vzferry/core';
import { containerQuerySchema, containerWhere, createBatch, listBatches } from '@vzferry/db';
import { z } from 'zod';
import { server, WEB_ACTOR } from '@/server/context';
import { handle, jsonBody, parseInput } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = handle(async () => listBatches(server().db));

const bodySchema = z.object({
  name: z.string().trim().min(1, 'a batch needs a name').max(100),
  concurrency: z.number().int().min(1).max(500).default(10),
  containerIds: z.array(z.uuid()).max(5000).optional(),
  filter: z.record(z.string(), z.string()).optional(),
});

export const POST = handle(async (req) => {
  const { db } = server();
  const body = parseInput(bodySchema, await jsonBody(req));
  let ids = body.containerIds;
  if (!ids) {
    const where = containerWhere(containerQuerySchema.parse({ ...body.filter, page: 1, pageSize: 1 }));
    ids = (await db.container.findMany({ where, select: { id: true }, take: 5001, orderBy: { sourceCtid: 'asc' } })).map((c) => c.id);
    if (ids.length > 5000) throw new AppError('batch_too_big', 'the filter matches more than 5,000 containers; narrow it');
  }
  const batch = await createBatch(db, { name: body.name, concurrency: body.concurrency, containerIds: ids }, WEB_ACTOR);
  return Response.json({ id: batch.id }, { status: 201 });
});
