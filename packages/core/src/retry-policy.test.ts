import { describe, expect, it } from 'vitest';
import { retryDelayMs, stagePolicy, templateRegistrationPolicy, withRetries, type RetryPolicy } from './retry-policy';

const linear: RetryPolicy = { attempts: 3, firstDelayMs: 100, growth: 'linear', maxDelayMs: 250, jitter: 0 };
const exponential: RetryPolicy = {
  attempts: 5,
  firstDelayMs: 5_000,
  growth: 'exponential',
  maxDelayMs: 120_000,
  jitter: 0,
};

describe('retry delays', () => {
  it('grow linearly or exponentially and stop at the cap', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(linear, n))).toEqual([100, 200, 250]);
    expect([1, 2, 3, 7].map((n) => retryDelayMs(exponential, n))).toEqual([5_000, 10_000, 20_000, 120_000]);
  });

  it('add at most the jitter fraction at random', () => {
    const jittered = { ...linear, jitter: 0.5 };
    expect(retryDelayMs(jittered, 1, () => 0)).toBe(100);
    expect(retryDelayMs(jittered, 1, () => 0.999)).toBe(149);
  });

  it('give a stage the attempts the table allows it, and deploy_vm only one', () => {
    expect(stagePolicy('initial_sync').attempts).toBe(3);
    expect(stagePolicy('deploy_vm').attempts).toBe(1);
  });

  it('take the template registrations from the settings', () => {
    const p = templateRegistrationPolicy({ templateRetryAttempts: 3, templateRetryBackoffSeconds: 30 });
    expect(p.attempts).toBe(3);
    expect([1, 2].map((n) => retryDelayMs(p, n))).toEqual([30_000, 60_000]);
  });
});

describe('withRetries', () => {
  const noWait = { wait: async () => undefined };

  it('tries until it works, within the attempts, and says each retry', async () => {
    const seen: number[] = [];
    let calls = 0;
    const value = await withRetries(
      linear,
      async () => {
        calls++;
        if (calls < 3) throw new Error(`try ${calls}`);
        return 'done';
      },
      { ...noWait, onRetry: (_e, failed, ms) => seen.push(failed, ms) },
    );
    expect(value).toBe('done');
    expect(seen).toEqual([1, 100, 2, 200]);
  });

  it('throws the last error when the attempts are spent', async () => {
    let calls = 0;
    await expect(
      withRetries(
        linear,
        async () => {
          throw new Error(`try ${++calls}`);
        },
        noWait,
      ),
    ).rejects.toThrow('try 3');
    expect(calls).toBe(3);
  });

  it('does not retry what a retry cannot fix', async () => {
    let calls = 0;
    const run = withRetries(
      linear,
      async () => {
        calls++;
        throw new Error('refused');
      },
      { ...noWait, retryable: () => false },
    );
    await expect(run).rejects.toThrow('refused');
    expect(calls).toBe(1);
  });
});
