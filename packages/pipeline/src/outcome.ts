// What a stage reports back, and what the engine does next. Pure: the worker
// persists the decision in PostgreSQL and enqueues the jobs it implies.
import { nextStage, stageInfo, type Stage } from '@vzferry/core';
import { z } from 'zod';

export const stageFailureSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** a transient problem (network, time-out): trying again may work */
  retryable: z.boolean(),
});
export type StageFailure = z.infer<typeof stageFailureSchema>;

export type StageOutcome =
  | { kind: 'succeeded' }
  /** come back later without holding a worker (a downtime window, a long poll) */
  | { kind: 'wait'; until: Date; message: string }
  | { kind: 'failed'; failure: StageFailure };

export type NextStep =
  | { kind: 'advance'; stage: Stage }
  | { kind: 'finish' }
  | { kind: 'wait'; stage: Stage; attempt: number; until: Date }
  | { kind: 'retry'; stage: Stage; attempt: number; until: Date }
  /** during downtime: start the source container again, keep the disk, then fail */
  | { kind: 'rollback'; failedStage: Stage }
  | { kind: 'fail'; failedStage: Stage };

export interface RetryPolicy {
  maxAttempts(stage: Stage): number;
  backoffMs(attempt: number): number;
}

// Stages whose work is safe to repeat automatically on a transient error.
// deploy_vm is a CloudStack write: it is never blindly repeated (a second
// deploy could take the IPs twice); a failure there rolls back at once so the
// customer's downtime ends within seconds.
const AUTO_ATTEMPTS: Partial<Record<Stage, number>> = {
  preflight: 3,
  prepare_source: 2,
  create_disk: 2,
  initial_sync: 3,
  await_cutover: 3,
  final_sync: 2,
  convert_image: 2,
  cleanup: 5,
};

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: (stage) => AUTO_ATTEMPTS[stage] ?? 1,
  backoffMs: (attempt) => Math.min(5_000 * 2 ** (attempt - 1), 120_000),
};

export function decideNext(input: {
  stage: Stage;
  attempt: number;
  outcome: StageOutcome;
  now: Date;
  policy?: RetryPolicy;
}): NextStep {
  const { stage, attempt, outcome, now } = input;
  const policy = input.policy ?? defaultRetryPolicy;
  if (outcome.kind === 'succeeded') {
    const next = nextStage(stage);
    return next ? { kind: 'advance', stage: next } : { kind: 'finish' };
  }
  if (outcome.kind === 'wait') return { kind: 'wait', stage, attempt, until: outcome.until };
  if (outcome.failure.retryable && attempt < policy.maxAttempts(stage)) {
    return { kind: 'retry', stage, attempt: attempt + 1, until: new Date(now.getTime() + policy.backoffMs(attempt)) };
  }
  return stageInfo(stage).rollsBack ? { kind: 'rollback', failedStage: stage } : { kind: 'fail', failedStage: stage };
}

/**
 * Where an engineer's Retry starts. Before the downtime: at the failed stage.
 * During it: the rollback started the source container again and it has been
 * changing its files since, so the copy must be brought up to date: the
 * retry starts at stop_source (a new, short downtime; every later stage is
 * idempotent and redoes its work on the synced disk).
 */
export function retryStartStage(failedStage: Stage): Stage {
  return stageInfo(failedStage).rollsBack ? 'stop_source' : failedStage;
}
