import { describe, expect, it } from 'vitest';
import { decideNext, retryPlan, retryStartStage } from './outcome';

const now = new Date('2026-11-25T10:00:00Z');
const transient = { kind: 'failed' as const, failure: { code: 'ssh_timeout', message: 'timed out', retryable: true } };
const fatal = { kind: 'failed' as const, failure: { code: 'disk_full', message: 'no space', retryable: false } };

describe('decideNext', () => {
  it('advances through the stages in order and finishes after cleanup', () => {
    expect(decideNext({ stage: 'preflight', attempt: 1, outcome: { kind: 'succeeded' }, now })).toEqual({
      kind: 'advance',
      stage: 'prepare_source',
    });
    expect(decideNext({ stage: 'verify', attempt: 1, outcome: { kind: 'succeeded' }, now })).toEqual({
      kind: 'advance',
      stage: 'cleanup',
    });
    expect(decideNext({ stage: 'cleanup', attempt: 1, outcome: { kind: 'succeeded' }, now })).toEqual({
      kind: 'finish',
    });
  });

  it('retries a transient failure with back-off until the stage has used its attempts', () => {
    expect(decideNext({ stage: 'initial_sync', attempt: 1, outcome: transient, now })).toEqual({
      kind: 'retry',
      stage: 'initial_sync',
      attempt: 2,
      until: new Date('2026-11-25T10:00:05Z'),
    });
    expect(decideNext({ stage: 'initial_sync', attempt: 2, outcome: transient, now })).toMatchObject({
      kind: 'retry',
      attempt: 3,
      until: new Date('2026-11-25T10:00:10Z'),
    });
    expect(decideNext({ stage: 'initial_sync', attempt: 3, outcome: transient, now })).toEqual({
      kind: 'fail',
      failedStage: 'initial_sync',
    });
  });

  it('does not retry what a retry cannot fix', () => {
    expect(decideNext({ stage: 'initial_sync', attempt: 1, outcome: fatal, now })).toEqual({
      kind: 'fail',
      failedStage: 'initial_sync',
    });
  });

  it('rolls back any failure during the downtime, and never repeats deploy_vm by itself', () => {
    expect(decideNext({ stage: 'deploy_vm', attempt: 1, outcome: transient, now })).toEqual({
      kind: 'rollback',
      failedStage: 'deploy_vm',
    });
    expect(decideNext({ stage: 'stop_source', attempt: 1, outcome: fatal, now })).toEqual({
      kind: 'rollback',
      failedStage: 'stop_source',
    });
    expect(decideNext({ stage: 'final_sync', attempt: 2, outcome: transient, now })).toEqual({
      kind: 'rollback',
      failedStage: 'final_sync',
    });
  });

  it('does not roll back after the VM took over (cleanup)', () => {
    expect(decideNext({ stage: 'cleanup', attempt: 5, outcome: transient, now })).toEqual({
      kind: 'fail',
      failedStage: 'cleanup',
    });
  });

  it('waits without using an attempt', () => {
    const until = new Date('2026-11-28T01:00:00Z');
    expect(
      decideNext({
        stage: 'await_cutover',
        attempt: 1,
        outcome: { kind: 'wait', until, message: 'window opens Sat 02:00' },
        now,
      }),
    ).toEqual({
      kind: 'wait',
      stage: 'await_cutover',
      attempt: 1,
      until,
    });
  });
});

describe('retryStartStage', () => {
  it('retries before the downtime at the failed stage', () => {
    expect(retryStartStage('initial_sync')).toBe('initial_sync');
    expect(retryStartStage('cleanup')).toBe('cleanup');
  });
  it('retries a downtime stage from stop_source, because the source ran again after the rollback', () => {
    expect(retryStartStage('register_template')).toBe('stop_source');
    expect(retryStartStage('verify')).toBe('stop_source');
  });
});

describe('retryPlan', () => {
  it('says a retry before the downtime goes on at the failed stage, without a new downtime', () => {
    expect(retryPlan('initial_sync')).toEqual({
      from: 'initial_sync',
      newDowntime: false,
      label: 'Retry from initial_sync',
    });
    expect(retryPlan('cleanup').newDowntime).toBe(false);
  });

  it('says a retry of a downtime failure starts at stop_source and stops the customer again', () => {
    expect(retryPlan('register_template')).toEqual({
      from: 'stop_source',
      newDowntime: true,
      label: 'Retry from stop_source (a new downtime)',
    });
    expect(retryPlan('stop_source').label).toBe('Retry from stop_source (a new downtime)');
  });

  it('in a staged run: a failed deploy_vm (before the window) retries itself; a failed final_sync stops the customer again', () => {
    expect(retryPlan('deploy_vm', 'staged')).toEqual({
      from: 'deploy_vm',
      newDowntime: false,
      label: 'Retry from deploy_vm',
    });
    expect(retryPlan('final_sync', 'staged').from).toBe('stop_source');
  });
});

describe('decideNext in a staged run', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  it('goes from deploy_vm to await_cutover, and rolls back a failed final_sync', () => {
    expect(decideNext({ stage: 'deploy_vm', attempt: 1, outcome: { kind: 'succeeded' }, now, path: 'staged' })).toEqual(
      {
        kind: 'advance',
        stage: 'await_cutover',
      },
    );
    const fatal = { kind: 'failed' as const, failure: { code: 'x', message: 'x', retryable: false } };
    expect(decideNext({ stage: 'final_sync', attempt: 1, outcome: fatal, now, path: 'staged' })).toEqual({
      kind: 'rollback',
      failedStage: 'final_sync',
    });
    expect(decideNext({ stage: 'deploy_vm', attempt: 1, outcome: fatal, now, path: 'staged' })).toEqual({
      kind: 'fail',
      failedStage: 'deploy_vm',
    });
  });
});
