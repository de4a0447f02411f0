import { describe, expect, it } from 'vitest';
import { estimateCompletion } from './estimate';

const now = new Date('2026-12-10T12:00:00Z');
const daysBefore = (n: number) => new Date(now.getTime() - n * 86_400_000);

describe('estimated completion', () => {
  it('divides what is left by the containers migrated per day over the last 7 days', () => {
    // 140 in 7 days is 20 a day; 300 left is 15 days
    const e = estimateCompletion({ now, remaining: 300, migratedInWindow: 140, firstStartedAt: daysBefore(30) });
    expect(e).toEqual({
      kind: 'estimated',
      remaining: 300,
      ratePerDay: 20,
      windowDays: 7,
      migratedInWindow: 140,
      estimatedAt: new Date('2026-12-25T12:00:00Z'),
    });
  });

  it('measures over the days since the first start when the migration is younger than the window', () => {
    const e = estimateCompletion({ now, remaining: 90, migratedInWindow: 30, firstStartedAt: daysBefore(3) });
    expect(e).toMatchObject({ kind: 'estimated', windowDays: 3, ratePerDay: 10 });
    expect(e.kind === 'estimated' && e.estimatedAt.toISOString()).toBe('2026-12-19T12:00:00.000Z');
  });

  it('counts at least one day, so a first busy hour does not promise everything by tomorrow', () => {
    const e = estimateCompletion({
      now,
      remaining: 100,
      migratedInWindow: 10,
      firstStartedAt: new Date(now.getTime() - 3_600_000),
    });
    expect(e).toMatchObject({ kind: 'estimated', windowDays: 1, ratePerDay: 10 });
    expect(e.kind === 'estimated' && e.estimatedAt.toISOString()).toBe('2026-12-20T12:00:00.000Z');
  });

  it('takes a window of another length', () => {
    const e = estimateCompletion({
      now,
      remaining: 10,
      migratedInWindow: 28,
      firstStartedAt: daysBefore(60),
      windowDays: 14,
    });
    expect(e).toMatchObject({ kind: 'estimated', windowDays: 14, ratePerDay: 2 });
  });

  it('says not enough data when nothing was migrated in the window', () => {
    expect(estimateCompletion({ now, remaining: 50, migratedInWindow: 0, firstStartedAt: daysBefore(20) })).toEqual({
      kind: 'not_enough_data',
      remaining: 50,
      windowDays: 7,
      reason: 'no container was migrated in the last 7 days',
    });
  });

  it('says not enough data before anything started', () => {
    expect(estimateCompletion({ now, remaining: 50, migratedInWindow: 0, firstStartedAt: null })).toMatchObject({
      kind: 'not_enough_data',
      reason: 'no migration has started yet',
    });
  });

  it('is done when nothing is left', () => {
    expect(estimateCompletion({ now, remaining: 0, migratedInWindow: 0, firstStartedAt: daysBefore(40) })).toEqual({
      kind: 'done',
      remaining: 0,
    });
  });
});
