// Batches (waves): a named set of containers with a start time and a
// concurrency limit. Creating one creates a pending migration run per
// container; starting it queues them for the scheduler.
import {
  ACTIVE_RUN_STATUSES,
  type Actor,
  AppError,
  CONTAINER_STATE_OF_RUN,
  NotFoundError,
  parseInput,
  safeText,
} from '@vzferry/core';
import { z } from 'zod';
import { type Db, prismaOf, type Tx } from '../client';
import type { PrismaClient } from '../generated/client';
import { ACTIVE_RUN_INDEX, isUniqueViolation } from './unique-violation';
import { lockBatch, moveBatch, moveBatches, moveRuns } from './transitions';

export const createBatchInputSchema = z.object({
  name: safeText().trim().min(1, 'a batch needs a name').max(100),
  description: safeText().trim().max(2000).optional(),
  containerIds: z.array(z.string().uuid()).min(1, 'a batch needs at least one container').max(5000),
  concurrency: z.number().int().min(1).max(500).default(10),
  /** at most this many of its runs at a time on one source host; none: the host's own limit only */
  perHostConcurrency: z.number().int().min(1).max(500).optional(),
  catchUpSyncs: z.number().int().min(0).max(10).default(1),
  bandwidthLimitKbps: z.number().int().positive().optional(),
  startAt: z.coerce.date().optional(),
});
export type CreateBatchInput = z.input<typeof createBatchInputSchema>;

/**
 * A draft batch with a pending run per container. A container already in an
 * active run is refused (409 batch_invalid, naming it and its batch), also
 * when another batch took it a moment ago: the database holds one active run
 * per container (a partial unique index, prisma/migrations/
 * 20261211000000_one_active_run_per_container), and the loser of that race
 * is answered like the check below would have.
 */
export async function createBatch(db: Db, input: CreateBatchInput, actor: Actor) {
  const client = prismaOf(db);
  const data = parseInput(createBatchInputSchema, input);
  const ids = [...new Set(data.containerIds)];
  try {
    return await insertBatch(client, data, ids, actor);
  } catch (err) {
    if (isUniqueViolation(err, ACTIVE_RUN_INDEX)) throw await containersTaken(client, ids, err);
    if (isUniqueViolation(err, 'Batch_name_key')) throw nameTaken(data.name);
    throw err;
  }
}

async function insertBatch(
  client: PrismaClient,
  data: z.output<typeof createBatchInputSchema>,
  ids: string[],
  actor: Actor,
) {
  return client.$transaction(async (tx) => {
    const problems = batchProblems(ids, await containersForBatch(tx, ids));
    if (problems.length) throw new AppError('batch_invalid', problems.join('; '), { details: problems });
    if (await tx.batch.findUnique({ where: { name: data.name } })) throw nameTaken(data.name);
    const batch = await tx.batch.create({
      data: {
        name: data.name,
        description: data.description,
        concurrency: data.concurrency,
        perHostConcurrency: data.perHostConcurrency,
        catchUpSyncs: data.catchUpSyncs,
        bandwidthLimitKbps: data.bandwidthLimitKbps,
        startAt: data.startAt,
        createdById: actor.userId,
      },
    });
    await tx.migrationRun.createMany({ data: ids.map((containerId) => ({ batchId: batch.id, containerId })) });
    // a new run starts pending (states.ts); its container shows what that means
    await tx.container.updateMany({
      where: { id: { in: ids } },
      data: { migrationState: CONTAINER_STATE_OF_RUN.pending },
    });
    return batch;
  });
}

/** The containers with their active runs (and those runs' batches). */
function containersForBatch(tx: Tx, ids: string[]) {
  return tx.container.findMany({
    where: { id: { in: ids } },
    include: {
      sourceHost: { select: { name: true } },
      runs: { where: { status: { in: [...ACTIVE_RUN_STATUSES] } }, include: { batch: { select: { name: true } } } },
    },
  });
}

/** The refusal of a batch that lost the race for its containers, read after the winner committed. */
async function containersTaken(client: Tx, ids: string[], cause: unknown): Promise<AppError> {
  const problems = batchProblems(ids, await containersForBatch(client, ids));
  const why = problems.length ? problems : ['another batch took some of these containers at the same time; look again'];
  return new AppError('batch_invalid', why.join('; '), { details: why, cause });
}

const nameTaken = (name: string) => new AppError('batch_name_taken', `a batch named "${name}" exists already`);

type ContainerForBatch = {
  id: string;
  sourceCtid: number;
  vanishedAt: Date | null;
  migrationState: string;
  sourceHost: { name: string };
  runs: Array<{ batch: { name: string } }>;
};

function batchProblems(ids: string[], containers: ContainerForBatch[]): string[] {
  const found = new Map(containers.map((c) => [c.id, c]));
  const problems: string[] = [];
  for (const id of ids) {
    const c = found.get(id);
    const label = c ? `container ${c.sourceCtid} on ${c.sourceHost.name}` : `container ${id}`;
    if (!c) problems.push(`${label} does not exist`);
    else if (c.vanishedAt) problems.push(`${label} vanished from its host at the last import`);
    else if (c.migrationState === 'migrated') problems.push(`${label} is migrated already`);
    else if (c.runs[0]) problems.push(`${label} is already in batch ${c.runs[0].batch.name}`);
  }
  return problems;
}

export async function startBatch(db: Db, batchId: string, opts: { at?: Date; now?: Date }) {
  const client = prismaOf(db);
  const now = opts.now ?? new Date();
  return client.$transaction(async (tx) => {
    const batch = await tx.batch.findUnique({ where: { id: batchId } });
    if (!batch) throw new NotFoundError('batch', batchId);
    if (batch.status !== 'draft')
      throw new AppError('batch_state', `batch ${batch.name} is ${batch.status}, only a draft batch can be started`);
    const startAt = opts.at ?? batch.startAt ?? now;
    const later = startAt.getTime() > now.getTime();
    const moved = await moveBatch(tx, batchId, later ? 'scheduled' : 'running', {
      from: ['draft'],
      data: { startAt, startedAt: later ? null : now },
    });
    if (!moved) throw new AppError('batch_state', `batch ${batch.name} changed while starting it; look again`);
    await moveRuns(tx, { batchId }, 'queued', { from: ['pending'] });
    const updated = await tx.batch.findUniqueOrThrow({ where: { id: batchId } });
    return updated;
  });
}

/** Paused: no run starts and no waiting run begins its downtime; running stages finish. */
export async function setBatchPaused(db: Db, batchId: string, paused: boolean) {
  const client = prismaOf(db);
  return client.$transaction(async (tx) => {
    const batch = await tx.batch.findUnique({ where: { id: batchId } });
    if (!batch) throw new NotFoundError('batch', batchId);
    const moved = paused
      ? await moveBatch(tx, batchId, 'paused', { from: ['running', 'scheduled'], data: { pausedAt: new Date() } })
      : await moveBatch(tx, batchId, 'running', {
          from: ['paused'],
          data: { pausedAt: null, startedAt: batch.startedAt ?? new Date() },
        });
    if (!moved)
      throw new AppError(
        'batch_state',
        `batch ${batch.name} is ${batch.status}; cannot ${paused ? 'pause' : 'resume'} it`,
      );
    const updated = await tx.batch.findUniqueOrThrow({ where: { id: batchId } });
    return updated;
  });
}

/** A batch whose runs all ended is completed, or completed with failures when one of them failed. */
export async function completeFinishedBatches(db: Db, now: Date = new Date()): Promise<number> {
  const client = prismaOf(db);
  const open = await client.batch.findMany({ where: { status: 'running' }, select: { id: true } });
  let completed = 0;
  for (const { id } of open) {
    // a Retry of one of its runs waits for this (or this for it): transitions.ts lockBatch
    completed += await client.$transaction(async (tx) => {
      await lockBatch(tx, id);
      const active = await tx.migrationRun.count({
        where: { batchId: id, status: { in: [...ACTIVE_RUN_STATUSES] } },
      });
      if (active > 0) return 0;
      const failed = await tx.migrationRun.count({ where: { batchId: id, status: 'failed' } });
      const end = failed > 0 ? 'completed_with_failures' : 'completed';
      return moveBatches(tx, { id }, end, { from: ['running'], data: { finishedAt: now } });
    });
  }
  return completed;
}
