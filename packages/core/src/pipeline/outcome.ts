// What a stage reports back, and what the engine does next. Pure: the worker
// persists the decision in PostgreSQL and enqueues the jobs it implies.
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../error-codes';
import { retryDelayMs, stagePolicy, triesLeft, type RetryPolicy } from '../retry-policy';
import { type CutoverPath, nextStage, stageInfo, type Stage } from '../stages';

export const stageFailureSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** a transient problem (network, time-out): trying again may work */
  retryable: z.boolean(),
});
export type StageFailure = z.infer<typeof stageFailureSchema>;

/** A failure with a catalogue code: whether it is retryable is the catalogue's to say. */
export function stageFailure(code: ErrorCode, message?: string): StageFailure {
  const spec = ERROR_CODES[code];
  return { code, message: message ?? spec.message, retryable: spec.retryable };
}

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

export function decideNext(input: {
  stage: Stage;
  attempt: number;
  outcome: StageOutcome;
  now: Date;
  policy?: RetryPolicy;
  /** the run's order (classic when not given) */
  path?: CutoverPath;
}): NextStep {
  const { stage, attempt, outcome, now, path } = input;
  const policy = input.policy ?? stagePolicy(stage);
  if (outcome.kind === 'succeeded') {
    const next = nextStage(stage, path);
    return next ? { kind: 'advance', stage: next } : { kind: 'finish' };
  }
  if (outcome.kind === 'wait') return { kind: 'wait', stage, attempt, until: outcome.until };
  if (outcome.failure.retryable && triesLeft(policy, attempt)) {
    return {
      kind: 'retry',
      stage,
      attempt: attempt + 1,
      until: new Date(now.getTime() + retryDelayMs(policy, attempt)),
    };
  }
  return stageInfo(stage, path).rollsBack
    ? { kind: 'rollback', failedStage: stage }
    : { kind: 'fail', failedStage: stage };
}

/**
 * Where an engineer's Retry starts. Before the downtime: at the failed stage.
 * During it: the rollback started the source container again and it has been
 * changing its files since, so the copy must be brought up to date: the
 * retry starts at stop_source (a new, short downtime; every later stage is
 * idempotent and redoes its work on the synced disk).
 */
export function retryStartStage(failedStage: Stage, path?: CutoverPath): Stage {
  return stageInfo(failedStage, path).rollsBack ? 'stop_source' : failedStage;
}

/** What an engineer's Retry of a run failed at `failedStage` does, in the words its button uses. */
export interface RetryPlan {
  from: Stage;
  /** the retry stops the source container again: the customer is down once more */
  newDowntime: boolean;
  /** the button's text, e.g. "Retry from stop_source (a new downtime)" */
  label: string;
}

export function retryPlan(failedStage: Stage, path?: CutoverPath): RetryPlan {
  const from = retryStartStage(failedStage, path);
  const newDowntime = stageInfo(from, path).inDowntime;
  return { from, newDowntime, label: `Retry from ${from}${newDowntime ? ' (a new downtime)' : ''}` };
}
