// The scheduler's view of PostgreSQL: which runs wait for capacity, which
// are active where, how much room each converter box has. The decision is
// core's planStarts (pure); assignRun carries it out for one run.
import {
  diskNeedBytes,
  type ActiveRun,
  type BoxCapacity,
  type CandidateRun,
  type CapacityLimits,
  type Stage,
} from '@vzferry/core';
import { type Db, prismaOf, type Tx } from '../client';
import { stageJob, type FollowUpJob } from './follow-up';
import { moveBatches, moveRun } from './transitions';

/** A converter box that missed its heartbeats this long is offline. */
export const BOX_OFFLINE_AFTER_MS = 60_000;

export interface SchedulerState {
  candidates: CandidateRun[];
  active: ActiveRun[];
  boxes: BoxCapacity[];
  limits: CapacityLimits;
}

/** Scheduled batches whose start time came become running. */
export async function startDueBatches(db: Db, now: Date): Promise<number> {
  return moveBatches(prismaOf(db), { startAt: { lte: now } }, 'running', {
    from: ['scheduled'],
    data: { startedAt: now },
  });
}

export async function loadSchedulerState(db: Db, now: Date): Promise<SchedulerState> {
  const client = prismaOf(db);
  const [queued, active, boxes, batches, hosts] = await Promise.all([
    client.migrationRun.findMany({
      where: { status: 'queued', batch: { status: 'running' } },
      orderBy: [{ batch: { startedAt: 'asc' } }, { createdAt: 'asc' }],
      include: { container: { select: { sourceHostId: true, diskQuotaKb: true, diskUsedKb: true } } },
    }),
    client.migrationRun.findMany({
      where: { status: { in: ['running', 'waiting', 'rolling_back'] }, converterBoxId: { not: null } },
      include: { container: { select: { sourceHostId: true } } },
    }),
    client.converterBox.findMany(),
    client.batch.findMany({
      where: { status: { in: ['running', 'paused'] } },
      select: { id: true, name: true, concurrency: true, perHostConcurrency: true },
    }),
    client.sourceHost.findMany({ select: { id: true, name: true, maxConcurrentMigrations: true } }),
  ]);
  return {
    candidates: queued.map((r) => ({
      runId: r.id,
      batchId: r.batchId,
      sourceHostId: r.container.sourceHostId,
      diskBytes: runDiskNeed(r.container),
    })),
    active: active.map((r) => ({
      runId: r.id,
      batchId: r.batchId,
      sourceHostId: r.container.sourceHostId,
      converterBoxId: r.converterBoxId!,
      reservedDiskBytes: r.reservedDiskBytes ?? 0n,
      usedDiskBytes: r.workDiskUsedBytes ?? 0n,
    })),
    boxes: boxes.map((b) => ({
      id: b.id,
      name: b.name,
      freeDiskBytes: b.freeDiskBytes,
      maxConcurrentRuns: b.maxConcurrentRuns,
      online: b.status === 'online' && now.getTime() - b.lastHeartbeatAt.getTime() < BOX_OFFLINE_AFTER_MS,
    })),
    limits: {
      batchConcurrency: new Map(batches.map((b) => [b.id, b.concurrency])),
      batchHostConcurrency: new Map(
        batches.flatMap((b) => (b.perHostConcurrency === null ? [] : [[b.id, b.perHostConcurrency] as const])),
      ),
      batchNames: new Map(batches.map((b) => [b.id, b.name])),
      hostConcurrency: new Map(hosts.map((h) => [h.id, h.maxConcurrentMigrations])),
      hostNames: new Map(hosts.map((h) => [h.id, h.name])),
    },
  };
}

export function runDiskNeed(c: { diskQuotaKb: bigint | null; diskUsedKb: bigint | null }): bigint {
  return diskNeedBytes((c.diskQuotaKb ?? 0n) * 1024n, (c.diskUsedKb ?? 0n) * 1024n);
}

/**
 * Gives a queued run to a converter box and creates its first stage run.
 * Conditional on the run still being queued, so two schedulers cannot both
 * start it. Returns the job to enqueue, or null if someone else was first.
 */
export async function assignRun(
  db: Db,
  runId: string,
  boxId: string,
  reservedDiskBytes: bigint,
  now: Date,
): Promise<FollowUpJob | null> {
  const client = prismaOf(db);
  return client.$transaction(async (tx) => {
    const claimed = await moveRun(tx, runId, 'running', {
      from: ['queued'],
      // the waiting reason (recordWaitingReasons) is over once the run starts
      data: {
        converterBoxId: boxId,
        reservedDiskBytes,
        startedAt: now,
        currentStage: 'preflight',
        errorCode: null,
        error: null,
      },
    });
    if (!claimed) return null;
    const attempt = await nextAttempt(tx, runId, 'preflight');
    const stageRun = await tx.stageRun.create({ data: { runId, stage: 'preflight', attempt, converterBoxId: boxId } });
    const box = await tx.converterBox.findUnique({ where: { id: boxId }, select: { name: true } });
    await tx.runEvent.create({
      data: { runId, stageRunId: stageRun.id, message: `assigned to converter box ${box?.name ?? boxId}` },
    });
    return stageJob(stageRun, boxId);
  });
}

/** Waiting reasons are shown on the batch page. */
export async function recordWaitingReasons(db: Db, waiting: Array<{ runId: string; reason: string }>): Promise<void> {
  const client = prismaOf(db);
  for (const w of waiting) {
    await client.migrationRun.updateMany({
      where: { id: w.runId, status: 'queued' },
      data: { errorCode: 'waiting_for_capacity', error: w.reason },
    });
  }
}

export async function nextAttempt(tx: Tx, runId: string, stage: Stage): Promise<number> {
  const last = await tx.stageRun.findFirst({
    where: { runId, stage },
    orderBy: { attempt: 'desc' },
    select: { attempt: true },
  });
  return (last?.attempt ?? 0) + 1;
}
