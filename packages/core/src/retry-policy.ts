// Every retry of vzferry, with its numbers, in one place. A retry policy says
// how often to try and how long to wait between tries; withRetries carries
// one out. The numbers an engineer may change (template registrations) come
// from the pipeline settings, the rest are here. docs/architecture.md lists
// who uses which.
import type { Stage } from './stages';
import type { PipelineSettings } from './settings';
import { sleep } from './sleep';

export interface RetryPolicy {
  /** tries in all, the first one included */
  attempts: number;
  /** the wait after the first failed try */
  firstDelayMs: number;
  /** linear: first × n after the n-th failure; exponential: first × 2^(n-1) */
  growth: 'linear' | 'exponential';
  maxDelayMs: number;
  /** up to this fraction of the wait is added at random, so that many clients do not retry in step */
  jitter: number;
}

/**
 * How many attempts the engine gives a stage on its own after a retryable
 * failure. Only stages whose work is safe to repeat: deploy_vm is a
 * CloudStack write (a second deploy could take the IPs twice), so a failure
 * there rolls back at once and the customer's downtime ends within seconds.
 */
export const STAGE_ATTEMPTS: Partial<Record<Stage, number>> = {
  preflight: 3,
  prepare_source: 2,
  create_disk: 2,
  initial_sync: 3,
  await_cutover: 3,
  final_sync: 2,
  convert_image: 2,
  cleanup: 5,
};

export const RETRY_POLICIES = {
  /** a stage attempt that failed with a retryable error (the engine; attempts per stage above) */
  stage: { attempts: 1, firstDelayMs: 5_000, growth: 'exponential', maxDelayMs: 120_000, jitter: 0 },
  /** starting the source container again after a failure in the downtime, and a cancel's clean-up */
  rollback: { attempts: 5, firstDelayMs: 2_000, growth: 'linear', maxDelayMs: 10_000, jitter: 0 },
  /** an idempotent CloudStack read (list*, query*) after a connection error, 429 or 5xx */
  cloudstackRead: { attempts: 4, firstDelayMs: 250, growth: 'exponential', maxDelayMs: 4_000, jitter: 0.5 },
  /** opening an SSH channel that sshd refused because it had not reaped a finished session yet */
  sshChannelOpen: { attempts: 4, firstDelayMs: 100, growth: 'linear', maxDelayMs: 400, jitter: 0 },
} as const satisfies Record<string, RetryPolicy>;

/** The engine's policy for one stage. */
export function stagePolicy(stage: Stage): RetryPolicy {
  return { ...RETRY_POLICIES.stage, attempts: STAGE_ATTEMPTS[stage] ?? 1 };
}

/**
 * register_template: CloudStack has no retry of a failed download, so the
 * template is deleted and registered again (Settings > Pipeline).
 */
export function templateRegistrationPolicy(
  s: Pick<PipelineSettings, 'templateRetryAttempts' | 'templateRetryBackoffSeconds'>,
): RetryPolicy {
  const first = s.templateRetryBackoffSeconds * 1000;
  return {
    attempts: s.templateRetryAttempts,
    firstDelayMs: first,
    growth: 'linear',
    maxDelayMs: first * s.templateRetryAttempts,
    jitter: 0,
  };
}

/** The wait after the `failed`-th failed try (1-based). */
export function retryDelayMs(policy: RetryPolicy, failed: number, random: () => number = Math.random): number {
  const n = Math.max(1, failed);
  const base = policy.growth === 'linear' ? policy.firstDelayMs * n : policy.firstDelayMs * 2 ** (n - 1);
  const capped = Math.min(base, policy.maxDelayMs);
  return Math.floor(capped + capped * policy.jitter * random());
}

/** Whether another try follows the `failed`-th failed one. */
export function triesLeft(policy: RetryPolicy, failed: number): boolean {
  return failed < policy.attempts;
}

export interface RetryOptions {
  /** false: give up at once (a retry cannot fix it); default: retry everything */
  retryable?: (err: unknown) => boolean;
  onRetry?: (err: unknown, failed: number, delayMs: number) => void;
  signal?: AbortSignal;
  /** for tests: a wait that does not really wait */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Runs fn until it succeeds or the policy is spent; throws the last error. */
export async function withRetries<T>(
  policy: RetryPolicy,
  fn: (attempt: number) => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  const wait = opts.wait ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!triesLeft(policy, attempt) || opts.retryable?.(err) === false || opts.signal?.aborted) throw err;
      const ms = retryDelayMs(policy, attempt);
      opts.onRetry?.(err, attempt, ms);
      await wait(ms, opts.signal);
    }
  }
}
