// What engineers do to a run (retry, cancel) and how the rollback and cancel
// jobs end. Each returns the jobs to enqueue after commit; every status
// change goes through transitions.ts.
import {
  ACTIVE_RUN_STATUSES,
  type Actor,
  AppError,
  failureKey,
  isFinal,
  NotFoundError,
  retryStartStage,
  type Stage,
  type StageFailure,
} from '@vzferry/core';
import { type Db, prismaOf, type Tx } from '../client';
import { cancelJob, stageJob, type FollowUpJob } from './follow-up';
import { nextAttempt } from './scheduling';
import { failRun } from './stage-runs';
import { releaseDownloadSlot } from './template-uploads';
import { lockBatch, moveBatch, moveRun, moveStageRuns } from './transitions';
import { ACTIVE_RUN_INDEX, isUniqueViolation } from './unique-violation';

export interface RetryOptions {
  /** retry only while the run is failed for this cause (a failure group's stage and code) */
  failedAs?: { stage: Stage; errorCode: string };
}

/**
 * Retry a failed run: before the downtime at the failed stage, else from
 * stop_source. Not while its container is in another active run (a batch
 * made after it failed): one active run per container.
 */
export async function retryRun(db: Db, runId: string, actor: Actor, opts: RetryOptions = {}): Promise<FollowUpJob[]> {
  try {
    return await retryInTransaction(db, runId, actor, opts);
  } catch (err) {
    // another batch took the container between the check below and the move
    if (isUniqueViolation(err, ACTIVE_RUN_INDEX)) {
      throw new AppError('run_state', 'its container joined another active run meanwhile; look again', { cause: err });
    }
    throw err;
  }
}

async function retryInTransaction(db: Db, runId: string, actor: Actor, opts: RetryOptions): Promise<FollowUpJob[]> {
  const client = prismaOf(db);
  return client.$transaction(async (tx) => {
    const run = await tx.migrationRun.findUnique({ where: { id: runId } });
    if (!run) throw new NotFoundError('run', runId);
    // before the run is active again: the scheduler does not close its batch meanwhile
    await lockBatch(tx, run.batchId);
    if (run.status !== 'failed' || !run.failedStage) {
      throw new AppError('run_state', `only a failed run can be retried; this one is ${run.status}`);
    }
    const cause = failureKey(run.failedStage, run.errorCode);
    if (opts.failedAs && cause !== failureKey(opts.failedAs.stage, opts.failedAs.errorCode)) {
      throw new AppError('run_state', `it failed for another cause meanwhile (${cause.replace(':', ', ')})`);
    }
    await refuseIfContainerBusy(tx, run.containerId, runId);
    const stage = retryStartStage(run.failedStage, run.cutoverPath);
    const reassign = stage === 'preflight' || !run.converterBoxId;
    const newDowntime = stage === 'stop_source' && (await keepClosedDowntime(tx, run));
    const clear = {
      failedStage: null,
      errorCode: null,
      error: null,
      finishedAt: null,
      // stop_source writes the new window and whether the source ran this time
      ...(newDowntime && { downtimeStartedAt: null, downtimeEndedAt: null, sourceWasRunning: null }),
    };
    const moved = reassign
      ? await moveRun(tx, runId, 'queued', {
          from: ['failed'],
          data: { ...clear, converterBoxId: null, currentStage: null },
        })
      : await moveRun(tx, runId, 'running', { from: ['failed'], data: { ...clear, currentStage: stage } });
    if (!moved) throw new AppError('run_state', 'the run changed while retrying it; look again');
    // the scheduler takes runs of running batches only, and a completed batch
    // would not notice its run ending again
    const reopened = await moveBatch(tx, run.batchId, 'running', {
      from: ['completed', 'completed_with_failures'],
      data: { finishedAt: null },
    });
    await tx.runEvent.create({
      data: {
        runId,
        message: `retry by ${actor.name}: from ${stage} (failed at ${run.failedStage})${newDowntime ? '; a new downtime, the earlier one is kept' : ''}${reopened ? '; its completed batch runs again' : ''}`,
      },
    });
    if (reassign) return [];
    const attempt = await nextAttempt(tx, runId, stage);
    const sr = await tx.stageRun.create({ data: { runId, stage, attempt, converterBoxId: run.converterBoxId } });
    return [stageJob(sr, run.converterBoxId!)];
  });
}

async function refuseIfContainerBusy(tx: Tx, containerId: string, runId: string): Promise<void> {
  const other = await tx.migrationRun.findFirst({
    where: { containerId, id: { not: runId }, status: { in: [...ACTIVE_RUN_STATUSES] } },
    include: { batch: { select: { name: true } }, container: { include: { sourceHost: { select: { name: true } } } } },
  });
  if (!other) return;
  const c = other.container;
  throw new AppError(
    'run_state',
    `container ${c.sourceCtid} on ${c.sourceHost.name} is in batch ${other.batch.name} now (run ${other.id}, ${other.status}); retry that one instead, or cancel it first`,
  );
}

/**
 * A Retry that stops the source again keeps the run's closed downtime window
 * as a DowntimeWindow row: every window counts in the run's downtime. An open
 * one (the rollback could not stop the VM, the source is still down) goes on.
 */
async function keepClosedDowntime(
  tx: Tx,
  run: { id: string; downtimeStartedAt: Date | null; downtimeEndedAt: Date | null },
): Promise<boolean> {
  if (!run.downtimeStartedAt || !run.downtimeEndedAt) return false;
  await tx.downtimeWindow.create({
    data: { runId: run.id, startedAt: run.downtimeStartedAt, endedAt: run.downtimeEndedAt },
  });
  return true;
}

/**
 * Cancel at any stage. A run that has not started ends at once; a started one
 * is handed to its converter box, which stops the running stage, starts the
 * source container again if it was stopped, and cleans up.
 */
export async function cancelRun(db: Db, runId: string, actor: Actor): Promise<FollowUpJob[]> {
  const client = prismaOf(db);
  return client.$transaction(async (tx) => {
    const run = await tx.migrationRun.findUnique({ where: { id: runId } });
    if (!run) throw new NotFoundError('run', runId);
    if (isFinal('run', run.status)) {
      throw new AppError('run_state', `the run is ${run.status}; there is nothing to cancel`);
    }
    await tx.runEvent.create({ data: { runId, level: 'warn', message: `cancel requested by ${actor.name}` } });
    const now = new Date();
    if (!run.converterBoxId || run.status === 'pending' || run.status === 'queued') {
      await moveRun(tx, runId, 'cancelled', { from: [run.status], data: { cancelRequestedAt: now, finishedAt: now } });
      return [];
    }
    await tx.migrationRun.update({ where: { id: runId }, data: { cancelRequestedAt: run.cancelRequestedAt ?? now } });
    // pending stage attempts must not start any more
    await moveStageRuns(tx, { runId }, 'cancelled', { from: ['pending'], data: { finishedAt: now } });
    return [cancelJob(runId, run.converterBoxId)];
  });
}

/** The rollback job started the source again: the downtime ends, the run fails. */
export async function completeRollback(db: Db, runId: string, now: Date): Promise<void> {
  const client = prismaOf(db);
  await client.$transaction(async (tx) => {
    const run = await tx.migrationRun.findUniqueOrThrow({ where: { id: runId } });
    if (run.status !== 'rolling_back') return;
    if (run.downtimeStartedAt && !run.downtimeEndedAt) {
      await tx.migrationRun.update({ where: { id: runId }, data: { downtimeEndedAt: now } });
    }
    const failure: StageFailure = {
      code: run.errorCode ?? 'failed',
      message: run.error ?? `${run.failedStage} failed`,
      retryable: false,
    };
    await failRun(tx, runId, run.failedStage ?? 'verify', failure, now);
    await releaseDownloadSlot(tx, runId);
    await tx.runEvent.create({
      data: { runId, message: 'rolled back: the source container runs again; the work disk is kept for diagnosis' },
    });
  });
}

/**
 * The rollback (or a cancel during deploy_vm/verify) could not stop the run's
 * VM, which holds the container's IPs: the source stays stopped (both would
 * answer on them) and the run fails with vm_stop_failed for an engineer, its
 * downtime still open (the customer is down). A Retry or Cancel after the VM
 * is stopped by hand carries on.
 */
export async function failRollbackVmRunning(
  db: Db,
  runId: string,
  message: string,
  now: Date,
  after: 'rollback' | 'cancel' = 'rollback',
): Promise<void> {
  const client = prismaOf(db);
  await client.$transaction(async (tx) => {
    const run = await tx.migrationRun.findUniqueOrThrow({ where: { id: runId } });
    if (after === 'rollback' ? run.status !== 'rolling_back' : isFinal('run', run.status)) return;
    const stage = (after === 'rollback' ? run.failedStage : run.currentStage) ?? 'verify';
    await failRun(tx, runId, stage, { code: 'vm_stop_failed', message, retryable: false }, now);
    await releaseDownloadSlot(tx, runId);
    const why = after === 'rollback' ? `${stage} failed: ${run.error ?? 'error'}` : `cancelled during ${stage}`;
    await tx.runEvent.create({
      data: {
        runId,
        level: 'error',
        message: `${after} stopped: the VM could not be stopped, so the source container was NOT started again (it is still down; ${why})`,
      },
    });
  });
}

/** The cancel job finished its clean-up. */
export async function completeCancel(db: Db, runId: string, now: Date): Promise<void> {
  const client = prismaOf(db);
  await client.$transaction(async (tx) => {
    const run = await tx.migrationRun.findUniqueOrThrow({ where: { id: runId } });
    if (isFinal('run', run.status)) return;
    await moveRun(tx, runId, 'cancelled', {
      data: {
        finishedAt: now,
        leaseOwner: null,
        leaseExpiresAt: null,
        ...(run.downtimeStartedAt && !run.downtimeEndedAt && { downtimeEndedAt: now }),
      },
    });
    await moveStageRuns(tx, { runId }, 'cancelled', { from: ['pending', 'running'], data: { finishedAt: now } });
    await releaseDownloadSlot(tx, runId);
    await tx.runEvent.create({ data: { runId, message: 'cancelled' } });
  });
}
