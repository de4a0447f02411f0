// PostgreSQL is the truth; Redis only carries work. After Redis lost its
// data, or a worker died, these queries say which jobs must exist. The
// worker's reconciler enqueues them with deterministic ids (idempotent).
import type { RunStatus, Stage } from '@vzferry/core';
import { type Db, prismaOf, type Tx } from '../client';
import { cancelJob, rollbackJob, stageJob, type FollowUpJob } from './follow-up';
import { nextAttempt } from './scheduling';
import { STAGE_LEASE_MS } from './stage-runs';
import { moveRun, moveStageRuns } from './transitions';

/**
 * Passes further apart than this mean the database (or every reconciler) was
 * away: the reconciler ticks every 10 s.
 */
export const RECONCILER_PASS_GAP_MS = 30_000;

/**
 * Records this pass and returns since when the database has been reachable
 * without a gap. A clock that went back counts as a gap too.
 */
async function notePass(db: Db, now: Date, passGapMs: number): Promise<Date> {
  const client = prismaOf(db);
  return client.$transaction(async (tx) => {
    const last = await tx.reconcilerPass.findUnique({ where: { name: 'reconciler' } });
    const gap = last ? Math.abs(now.getTime() - last.lastPassAt.getTime()) : Infinity;
    const reachableSince = last && gap <= passGapMs ? last.reachableSince : now;
    await tx.reconcilerPass.upsert({
      where: { name: 'reconciler' },
      create: { name: 'reconciler', lastPassAt: now, reachableSince },
      update: { lastPassAt: now, reachableSince },
    });
    return reachableSince;
  });
}

export async function jobsThatMustExist(db: Db, now: Date, leaseMs = STAGE_LEASE_MS): Promise<FollowUpJob[]> {
  const client = prismaOf(db);
  const stale = new Date(now.getTime() - leaseMs);
  const [stageRuns, rollingBack, cancelling] = await Promise.all([
    client.stageRun.findMany({
      where: {
        run: { status: { in: ['running', 'waiting'] }, cancelRequestedAt: null, converterBoxId: { not: null } },
        OR: [{ status: 'pending' }, { status: 'running', OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: stale } }] }],
      },
      select: {
        id: true,
        status: true,
        notBefore: true,
        heartbeatAt: true,
        startedAt: true,
        run: { select: { converterBoxId: true } },
      },
    }),
    client.migrationRun.findMany({
      where: { status: 'rolling_back', converterBoxId: { not: null } },
      select: { id: true, converterBoxId: true },
    }),
    client.migrationRun.findMany({
      where: {
        cancelRequestedAt: { not: null },
        status: { in: ['running', 'waiting', 'rolling_back'] },
        converterBoxId: { not: null },
      },
      select: { id: true, converterBoxId: true },
    }),
  ]);
  return [
    ...stageRuns.map((sr) =>
      stageJob(
        sr,
        sr.run.converterBoxId!,
        sr.status === 'running' ? (sr.heartbeatAt ?? sr.startedAt ?? now) : undefined,
      ),
    ),
    ...rollingBack.map((r) => rollbackJob(r.id, r.converterBoxId!)),
    ...cancelling.map((r) => cancelJob(r.id, r.converterBoxId!)),
  ];
}

/**
 * A converter box that stopped heartbeating for good leaves runs behind.
 * Before the downtime they go back to the queue (the scheduler gives them to
 * a box that is alive; the stages redo their work there). During the
 * downtime the customer's container is stopped: the run rolls back (the
 * rollback job only needs SSH to the source host) on a box that is alive.
 * After the downtime the VM is the container: a box that is alive runs the
 * stage left (cleanup); going back to the queue would migrate it again.
 * "Stopped heartbeating" counts only the time the database was reachable:
 * while PostgreSQL is away no box can write its heartbeat, and after it
 * came back each box gets the whole offline limit to beat again.
 */
export async function rescueRunsOfOfflineBoxes(
  db: Db,
  now: Date,
  offlineAfterMs: number,
  passGapMs = RECONCILER_PASS_GAP_MS,
): Promise<FollowUpJob[]> {
  const client = prismaOf(db);
  const cutoff = new Date(now.getTime() - offlineAfterMs);
  // a box had no chance to beat while the database was away: judge none
  // until it has been reachable for the whole offline limit
  const reachableSince = await notePass(db, now, passGapMs);
  if (reachableSince > cutoff) return [];
  const alive = await client.converterBox.findFirst({
    where: { status: 'online', lastHeartbeatAt: { gte: cutoff } },
    orderBy: { lastHeartbeatAt: 'desc' },
  });
  const stranded = await client.migrationRun.findMany({
    where: {
      status: { in: ['running', 'waiting', 'rolling_back'] },
      converterBox: { OR: [{ status: 'offline' }, { lastHeartbeatAt: { lt: cutoff } }] },
    },
  });
  const jobs: FollowUpJob[] = [];
  for (const run of stranded) {
    const inDowntime = run.downtimeStartedAt !== null && run.downtimeEndedAt === null;
    if (inDowntime || run.status === 'rolling_back') {
      if (!alive) continue; // nobody can do it yet; the next tick tries again
      if (await handRollbackTo(db, run, alive, now)) jobs.push(rollbackJob(run.id, alive.id));
      continue;
    }
    if (run.downtimeEndedAt !== null) {
      if (!alive) continue;
      const job = await handStageTo(db, run, alive, now);
      if (job) jobs.push(job);
      continue;
    }
    await requeue(db, run, now);
  }
  return jobs;
}

type StrandedRun = {
  id: string;
  status: RunStatus;
  failedStage: Stage | null;
  currentStage: Stage | null;
  errorCode: string | null;
  error: string | null;
};

/** During the downtime the customer is down: a box that is alive starts the source again. */
async function handRollbackTo(
  db: Db,
  run: StrandedRun,
  alive: { id: string; name: string },
  now: Date,
): Promise<boolean> {
  const client = prismaOf(db);
  return client.$transaction(async (tx) => {
    const moved = await moveRun(tx, run.id, 'rolling_back', {
      from: [run.status],
      data: {
        converterBoxId: alive.id,
        failedStage: run.failedStage ?? run.currentStage,
        errorCode: run.errorCode ?? 'box_lost',
        error: run.error ?? 'the converter box stopped during the downtime',
      },
    });
    if (!moved) return false;
    await loseStageRuns(tx, run.id, now);
    await tx.runEvent.create({
      data: {
        runId: run.id,
        level: 'error',
        message: `converter box went silent during the downtime; rolling back from ${alive.name}`,
      },
    });
    return true;
  });
}

/** After the downtime only cleanup is left, and no work disk is needed for it: a box that is alive runs it. */
async function handStageTo(
  db: Db,
  run: StrandedRun,
  alive: { id: string; name: string },
  now: Date,
): Promise<FollowUpJob | null> {
  const client = prismaOf(db);
  return client.$transaction(async (tx) => {
    const last = await tx.stageRun.findFirst({ where: { runId: run.id }, orderBy: { queuedAt: 'desc' } });
    const stage = last?.stage ?? run.currentStage;
    if (!stage) return null;
    const moved = await moveRun(tx, run.id, run.status, {
      from: [run.status],
      data: { converterBoxId: alive.id, currentStage: stage, leaseOwner: null, leaseExpiresAt: null },
    });
    if (!moved) return null;
    await loseStageRuns(tx, run.id, now);
    const attempt = await nextAttempt(tx, run.id, stage);
    const stageRun = await tx.stageRun.create({ data: { runId: run.id, stage, attempt, converterBoxId: alive.id } });
    await tx.runEvent.create({
      data: {
        runId: run.id,
        stageRunId: stageRun.id,
        level: 'warn',
        message: `converter box went silent after the downtime; ${stage} goes on on ${alive.name}`,
      },
    });
    return stageJob(stageRun, alive.id);
  });
}

/** Before the downtime nothing is lost: the scheduler gives the run to a box that is alive. */
async function requeue(db: Db, run: StrandedRun, now: Date): Promise<void> {
  const client = prismaOf(db);
  await client.$transaction(async (tx) => {
    const moved = await moveRun(tx, run.id, 'queued', {
      from: [run.status],
      data: { converterBoxId: null, currentStage: null, leaseOwner: null, leaseExpiresAt: null },
    });
    if (!moved) return;
    await loseStageRuns(tx, run.id, now);
    await tx.runEvent.create({
      data: {
        runId: run.id,
        level: 'warn',
        message: 'converter box went silent; the run goes back to the queue for another box',
      },
    });
  });
}

async function loseStageRuns(tx: Tx, runId: string, now: Date): Promise<void> {
  await moveStageRuns(tx, { runId }, 'failed', {
    from: ['pending', 'running'],
    data: { errorCode: 'box_lost', error: 'converter box lost', finishedAt: now },
  });
}
