// Jobs a database change implies. The caller enqueues them after the
// transaction committed (a job must never point at a row that was rolled
// back); if it crashes before, the reconciler finds the rows and enqueues
// them then. Job ids are deterministic so enqueueing twice is harmless.
// The jobs are the converter-box jobs of the queue contract, as values.
import type { Job, JobNameOn } from '@vzferry/queue/contract';

export type FollowUpJob = Job<JobNameOn<'box'>> & {
  /** the converter box whose queue takes it */
  boxId: string;
  jobId: string;
  /** not before this time (a retry's back-off, a wait); null: now */
  notBefore: Date | null;
};

export function stageJob(
  stageRun: { id: string; notBefore: Date | null },
  boxId: string,
  takeoverOf?: Date,
): FollowUpJob {
  // a new notBefore (the next wait) is a new job; the same one is the same job.
  // A takeover (the worker holding the attempt went silent) is a job of its
  // own: the dead worker's job still looks active to BullMQ until its lock
  // times out, and the attempt should not wait for that.
  const suffix = takeoverOf ? `takeover-${takeoverOf.getTime()}` : `${stageRun.notBefore?.getTime() ?? 0}`;
  return {
    name: 'run_stage',
    payload: { stageRunId: stageRun.id },
    boxId,
    jobId: `stage-${stageRun.id}-${suffix}`,
    notBefore: takeoverOf ? null : stageRun.notBefore,
  };
}

export function rollbackJob(runId: string, boxId: string): FollowUpJob {
  return { name: 'rollback_run', payload: { runId }, boxId, jobId: `rollback-${runId}`, notBefore: null };
}

export function cancelJob(runId: string, boxId: string): FollowUpJob {
  return { name: 'cancel_run', payload: { runId }, boxId, jobId: `cancel-${runId}`, notBefore: null };
}

/** Delay in ms until notBefore (0 when due). */
export function delayOf(job: FollowUpJob, now: Date = new Date()): number {
  return job.notBefore ? Math.max(0, job.notBefore.getTime() - now.getTime()) : 0;
}

export function dryRunJob(dryRunId: string, boxId: string): FollowUpJob {
  return { name: 'dry_run_preflight', payload: { dryRunId }, boxId, jobId: `dry-run-${dryRunId}`, notBefore: null };
}
