import { describe, expect, it } from 'vitest';
import { nextDay, progressByDay, utcDay, type DayActivity } from './daily-progress';

const day = (d: string, a: Partial<DayActivity>): DayActivity => ({
  day: d,
  started: 0,
  succeeded: 0,
  failed: 0,
  cancelled: 0,
  ...a,
});

describe('UTC days', () => {
  it('names the UTC day of a moment, whatever the local zone', () => {
    expect(utcDay(new Date('2026-12-01T23:59:59.999Z'))).toBe('2026-12-01');
    expect(utcDay(new Date('2026-12-02T00:30:00+02:00'))).toBe('2026-12-01');
  });

  it('steps over month and year ends and leap days', () => {
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
    expect(nextDay('2026-02-28')).toBe('2026-03-01');
    expect(() => nextDay('1.12.2026')).toThrow(RangeError);
  });
});

describe('progress by day', () => {
  it('has no rows before any run started', () => {
    expect(progressByDay(100, [], '2026-12-03')).toEqual([]);
  });

  it('accumulates starts and ends into where every container stood at each day end, gaps filled', () => {
    const rows = progressByDay(
      10,
      [
        day('2026-12-01', { started: 4 }),
        day('2026-12-02', { started: 3, succeeded: 2, failed: 1 }),
        // nothing on the 3rd
        day('2026-12-04', { started: 1, succeeded: 2, cancelled: 1 }),
      ],
      '2026-12-05',
    );
    expect(rows).toEqual([
      { day: '2026-12-01', done: 0, inProgress: 4, failed: 0, notStarted: 6, migrated: 0, failedThatDay: 0 },
      { day: '2026-12-02', done: 2, inProgress: 4, failed: 1, notStarted: 3, migrated: 2, failedThatDay: 1 },
      { day: '2026-12-03', done: 2, inProgress: 4, failed: 1, notStarted: 3, migrated: 0, failedThatDay: 0 },
      // a cancelled run's container is not started again
      { day: '2026-12-04', done: 4, inProgress: 2, failed: 1, notStarted: 3, migrated: 2, failedThatDay: 0 },
      { day: '2026-12-05', done: 4, inProgress: 2, failed: 1, notStarted: 3, migrated: 0, failedThatDay: 0 },
    ]);
    for (const r of rows) expect(r.done + r.inProgress + r.failed + r.notStarted).toBe(10);
  });

  it('adds up activity given twice for one day, in any order', () => {
    const rows = progressByDay(
      5,
      [day('2026-12-02', { succeeded: 1 }), day('2026-12-01', { started: 2 }), day('2026-12-02', { started: 1 })],
      '2026-12-02',
    );
    expect(rows.map((r) => [r.day, r.done, r.inProgress, r.notStarted])).toEqual([
      ['2026-12-01', 0, 2, 3],
      ['2026-12-02', 1, 2, 2],
    ]);
  });

  it('runs to the last day with activity when the clock is behind it', () => {
    const rows = progressByDay(1, [day('2026-12-04', { started: 1, succeeded: 1 })], '2026-12-03');
    expect(rows.map((r) => r.day)).toEqual(['2026-12-04']);
  });

  it('crosses a month end', () => {
    const rows = progressByDay(3, [day('2026-11-29', { started: 1 })], '2026-12-02');
    expect(rows.map((r) => r.day)).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
  });
});
