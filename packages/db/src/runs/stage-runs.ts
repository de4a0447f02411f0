// The life of one stage attempt in PostgreSQL: a worker claims it (a lease
// kept alive by heartbeats), reports progress, and finishes it with the
// engine's decision (packages/pipeline decideNext). A worker that dies stops
// heartbeating; after the lease another worker (or the same one, restarted)
// may claim the attempt again. Stages are idempotent, so redoing is safe.
import type { Stage } from '@vzferry/core';
import type { NextStep, RunStatePatch, StageFailure } from '@vzferry/core';
import { type Db, prismaOf, type Tx } from '../client';
import { rollbackJob, stageJob, type FollowUpJob } from './follow-up';
import { toJsonValue } from '../json';
import { runPatchToUpdate } from './run-context';
import { nextAttempt } from './scheduling';
import { moveRun, moveStageRun } from './transitions';

export const STAGE_LEASE_MS = 60_000;

export interface ClaimedStage {
  stageRunId: string;
  runId: string;
  stage: Stage;
  attempt: number;
  /** the attempt was started before by a worker that stopped heartbeating */
  resumed: boolean;
}

export async function claimStageRun(
  db: Db,
  input: { stageRunId: string; owner: string; boxId: string; now: Date; leaseMs?: number },
): Promise<ClaimedStage | null> {
  const client = prismaOf(db);
  const leaseMs = input.leaseMs ?? STAGE_LEASE_MS;
  const stale = new Date(input.now.getTime() - leaseMs);
  try {
    return await client.$transaction(async (tx) => {
      const before = await tx.stageRun.findUnique({ where: { id: input.stageRunId } });
      if (!before) return null;
      const claimed = await moveStageRun(tx, input.stageRunId, 'running', {
        from: ['pending', 'running'],
        where: {
          run: { status: { in: ['running', 'waiting'] }, cancelRequestedAt: null },
          // pending and due, or running on a worker whose lease ran out
          OR: [
            { status: 'pending', OR: [{ notBefore: null }, { notBefore: { lte: input.now } }] },
            { status: 'running', heartbeatAt: { lt: stale } },
          ],
        },
        data: { startedAt: before.startedAt ?? input.now, heartbeatAt: input.now, converterBoxId: input.boxId },
      });
      if (!claimed) return null;
      const run = await moveRun(tx, before.runId, 'running', {
        from: ['running', 'waiting'],
        data: {
          currentStage: before.stage,
          leaseOwner: input.owner,
          leaseExpiresAt: new Date(input.now.getTime() + leaseMs),
        },
      });
      // the run moved on (a cancel, a rescue) between the two statements: undo the claim
      if (!run) throw new ClaimLost();
      return {
        stageRunId: before.id,
        runId: before.runId,
        stage: before.stage,
        attempt: before.attempt,
        resumed: before.status === 'running',
      };
    });
  } catch (err) {
    if (err instanceof ClaimLost) return null;
    throw err;
  }
}

class ClaimLost extends Error {}

/**
 * A converter box runs one worker process: when it starts again (after a
 * crash or a SIGKILL), the stage attempts its previous process held are
 * free at once, instead of after the lease, and the reconciler hands them
 * to it. Returns how many were freed.
 */
export async function releaseLeasesOfBox(db: Db, boxId: string, owner: string): Promise<number> {
  const client = prismaOf(db);
  const res = await client.stageRun.updateMany({
    where: {
      status: 'running',
      converterBoxId: boxId,
      run: { OR: [{ leaseOwner: null }, { leaseOwner: { not: owner } }] },
    },
    data: { heartbeatAt: new Date(0) },
  });
  return res.count;
}

export interface StageProgress {
  percent?: number | null;
  bytesDone?: bigint | null;
  bytesTotal?: bigint | null;
  filesDone?: number | null;
  filesTotal?: number | null;
  message?: string | null;
}

/** Keeps the lease; says whether the engineer asked to cancel, or the lease was lost. */
export async function heartbeatStageRun(
  db: Db,
  input: { stageRunId: string; owner: string; now: Date; progress?: StageProgress; leaseMs?: number },
): Promise<{ lost: boolean; cancelRequested: boolean }> {
  const client = prismaOf(db);
  const leaseMs = input.leaseMs ?? STAGE_LEASE_MS;
  const p = input.progress ?? {};
  const res = await client.stageRun.updateMany({
    where: { id: input.stageRunId, status: 'running', run: { leaseOwner: input.owner } },
    data: {
      heartbeatAt: input.now,
      ...(p.percent !== undefined && { progressPercent: p.percent }),
      ...(p.bytesDone !== undefined && { bytesDone: p.bytesDone }),
      ...(p.bytesTotal !== undefined && { bytesTotal: p.bytesTotal }),
      ...(p.filesDone !== undefined && { filesDone: p.filesDone }),
      ...(p.filesTotal !== undefined && { filesTotal: p.filesTotal }),
      ...(p.message !== undefined && { message: p.message }),
    },
  });
  if (res.count === 0) return { lost: true, cancelRequested: false };
  const run = await client.stageRun.findUniqueOrThrow({
    where: { id: input.stageRunId },
    select: { run: { select: { id: true, cancelRequestedAt: true } } },
  });
  await client.migrationRun.update({
    where: { id: run.run.id },
    data: { leaseExpiresAt: new Date(input.now.getTime() + leaseMs) },
  });
  return { lost: false, cancelRequested: run.run.cancelRequestedAt !== null };
}

/**
 * Records a finished attempt and carries out the engine's next step in one
 * transaction. Returns the jobs to enqueue after commit.
 */
export async function finishStageRun(
  db: Db,
  input: {
    stageRunId: string;
    owner: string;
    next: NextStep;
    failure?: StageFailure;
    /** small JSON kept on the stage run (bigints become strings) */
    result?: unknown;
    message?: string;
    runPatch?: RunStatePatch;
    now: Date;
  },
): Promise<FollowUpJob[]> {
  const client = prismaOf(db);
  const { next, now } = input;
  return client.$transaction(async (tx) => {
    const sr = await tx.stageRun.findUniqueOrThrow({ where: { id: input.stageRunId }, include: { run: true } });
    if (sr.status !== 'running' || sr.run.leaseOwner !== input.owner) return []; // someone took over: their result counts
    const boxId = sr.run.converterBoxId!;
    if (next.kind === 'wait') {
      await moveStageRun(tx, sr.id, 'pending', {
        from: ['running'],
        data: { notBefore: next.until, message: input.message ?? null, heartbeatAt: null },
      });
    } else {
      await moveStageRun(tx, sr.id, input.failure ? 'failed' : 'succeeded', {
        from: ['running'],
        data: {
          finishedAt: now,
          progressPercent: input.failure ? sr.progressPercent : 100,
          errorCode: input.failure?.code ?? null,
          error: input.failure?.message ?? null,
          result: input.result === undefined ? undefined : toJsonValue(input.result),
          message: input.message ?? sr.message,
        },
      });
    }
    const patch = input.runPatch ? runPatchToUpdate(input.runPatch) : {};
    await tx.migrationRun.update({
      where: { id: sr.runId },
      data: { ...patch, leaseOwner: null, leaseExpiresAt: null },
    });
    return applyNextStep(tx, { runId: sr.runId, boxId, stageRunId: sr.id, next, failure: input.failure, now });
  });
}

async function applyNextStep(
  tx: Tx,
  a: { runId: string; boxId: string; stageRunId: string; next: NextStep; failure?: StageFailure; now: Date },
): Promise<FollowUpJob[]> {
  const { next, runId, boxId } = a;
  switch (next.kind) {
    case 'advance': {
      const attempt = await nextAttempt(tx, runId, next.stage);
      const sr = await tx.stageRun.create({ data: { runId, stage: next.stage, attempt, converterBoxId: boxId } });
      await moveRun(tx, runId, 'running', { from: ['running'], data: { currentStage: next.stage } });
      return [stageJob(sr, boxId)];
    }
    case 'wait': {
      await moveRun(tx, runId, 'waiting', { from: ['running'] });
      return [stageJob({ id: a.stageRunId, notBefore: next.until }, boxId)];
    }
    case 'retry': {
      const sr = await tx.stageRun.create({
        data: { runId, stage: next.stage, attempt: next.attempt, converterBoxId: boxId, notBefore: next.until },
      });
      await event(
        tx,
        runId,
        sr.id,
        'warn',
        `${next.stage} failed (${a.failure?.message ?? 'error'}); attempt ${next.attempt} at ${next.until.toISOString()}`,
      );
      return [stageJob(sr, boxId)];
    }
    case 'finish': {
      await moveRun(tx, runId, 'succeeded', { from: ['running'], data: { finishedAt: a.now, currentStage: null } });
      return [];
    }
    case 'rollback': {
      await moveRun(tx, runId, 'rolling_back', {
        from: ['running'],
        data: { failedStage: next.failedStage, errorCode: a.failure?.code, error: a.failure?.message },
      });
      await event(
        tx,
        runId,
        a.stageRunId,
        'error',
        `${next.failedStage} failed during the downtime: rolling back (starting the source container again)`,
      );
      return [rollbackJob(runId, boxId)];
    }
    case 'fail': {
      await failRun(tx, runId, next.failedStage, a.failure, a.now);
      return [];
    }
  }
}

/** The run failed at `failedStage` (from running, or after its rollback). */
export async function failRun(
  tx: Tx,
  runId: string,
  failedStage: Stage,
  failure: StageFailure | undefined,
  now: Date,
): Promise<void> {
  await moveRun(tx, runId, 'failed', {
    data: {
      failedStage,
      errorCode: failure?.code ?? 'failed',
      error: failure?.message ?? `${failedStage} failed`,
      finishedAt: now,
      ...(failedStage === 'preflight' && { preflightOk: false }),
    },
  });
}

async function event(
  tx: Tx,
  runId: string,
  stageRunId: string | null,
  level: 'info' | 'warn' | 'error',
  message: string,
) {
  await tx.runEvent.create({ data: { runId, stageRunId, level, message } });
}

/** Is a stage attempt of this run still running with a fresh heartbeat? */
export async function hasLiveStageAttempt(
  db: Db,
  runId: string,
  now: Date,
  leaseMs = STAGE_LEASE_MS,
): Promise<boolean> {
  const client = prismaOf(db);
  const n = await client.stageRun.count({
    where: { runId, status: 'running', heartbeatAt: { gt: new Date(now.getTime() - leaseMs) } },
  });
  return n > 0;
}
