import { describe, expect, it } from 'vitest';
import type { RunFacts } from './container-state';
import { runTimelineEntry } from './run-timeline';

const NOW = new Date('2026-12-01T02:00:00Z');

function run(over: Partial<RunFacts>): RunFacts {
  return {
    status: 'running',
    currentStage: null,
    failedStage: null,
    errorCode: null,
    error: null,
    createdAt: new Date('2026-11-29T09:00:00Z'),
    startedAt: new Date('2026-12-01T00:30:00Z'),
    finishedAt: null,
    plannedWindowStart: null,
    plannedWindowEnd: null,
    downtimeStartedAt: null,
    downtimeEndedAt: null,
    cloudstackVmName: null,
    vmNetworks: [],
    batch: { name: 'wave-3', status: 'running', startAt: null },
    ...over,
  };
}

describe('runTimelineEntry', () => {
  it('shows a failed run with the stage it reached, its downtime and the reason in words', () => {
    const entry = runTimelineEntry(
      run({
        status: 'failed',
        currentStage: 'register_template',
        failedStage: 'register_template',
        errorCode: 'template_download_failed',
        error: 'the template download failed 3 time(s); last: HTTP 500',
        downtimeStartedAt: new Date('2026-12-01T01:03:00Z'),
        downtimeEndedAt: new Date('2026-12-01T01:31:00Z'),
        finishedAt: new Date('2026-12-01T01:31:02Z'),
      }),
      'Europe/Amsterdam',
      NOW,
    );
    expect(entry).toEqual({
      batch: 'wave-3',
      outcome: 'Failed at register_template',
      started: '1 Dec 2026 at 01:30',
      ended: '1 Dec 2026 at 02:31',
      stageReached: 'register_template (13 of 16)',
      downtime: '1 Dec 2026 at 02:03–02:31 (28 min)',
      failure: {
        summary: 'CloudStack could not download the template',
        detail: 'the template download failed 3 time(s); last: HTTP 500',
      },
    });
  });

  it('counts an open downtime up to now and has no failure while the run goes on', () => {
    const entry = runTimelineEntry(
      run({ currentStage: 'final_sync', downtimeStartedAt: new Date('2026-12-01T01:57:30Z') }),
      'UTC',
      NOW,
    );
    expect(entry).toMatchObject({
      outcome: 'In progress: final_sync',
      stageReached: 'final_sync (7 of 16)',
      downtime: 'since 01:57 (2 min 30 s so far)',
      failure: null,
      ended: null,
    });
  });

  it('says when a run that has not begun was planned, and that it was never offline', () => {
    const entry = runTimelineEntry(
      run({ status: 'pending', startedAt: null, batch: { name: 'wave-4', status: 'draft', startAt: null } }),
      'Asia/Tokyo',
      NOW,
    );
    expect(entry).toMatchObject({
      batch: 'wave-4',
      outcome: 'Planned (batch not started)',
      started: 'planned on 29 Nov 2026 at 18:00',
      stageReached: null,
      downtime: null,
    });
  });

  it('shows a migrated run at its last stage', () => {
    expect(runTimelineEntry(run({ status: 'succeeded', currentStage: 'cleanup' }), 'UTC', NOW)).toMatchObject({
      outcome: 'Migrated',
      stageReached: 'cleanup (16 of 16)',
    });
  });
});
