import { describe, expect, it } from 'vitest';
import { cutoverFits, isValidTimeZone, nextWindow, parseDowntimeWindow } from './downtime-window';

describe('parseDowntimeWindow', () => {
  it('reads daily, weekly and multi-day windows', () => {
    expect(parseDowntimeWindow('02:00-04:00')).toEqual({ days: [], startMinute: 120, endMinute: 240 });
    expect(parseDowntimeWindow('Sat 23:30-01:00')).toEqual({ days: ['Sat'], startMinute: 1410, endMinute: 60 });
    expect(parseDowntimeWindow('Sat,Sun 02:00-05:00').days).toEqual(['Sat', 'Sun']);
  });

  it('says what is wrong with a bad window', () => {
    for (const bad of [
      '2:00-4:00',
      'Saturday 02:00-04:00',
      '02:00-02:00',
      '25:00-01:00',
      'sat 02:00-04:00',
      '02:00 - 04:00',
    ]) {
      expect(() => parseDowntimeWindow(bad), bad).toThrow(/downtime window/);
    }
  });
});

describe('nextWindow', () => {
  it('finds the next weekly window in the customer time zone (UTC+1 in winter)', () => {
    // Wed 2026-11-25 10:00 UTC; Berlin is UTC+1 -> Sat 02:00 local = Sat 01:00 UTC
    const w = nextWindow(parseDowntimeWindow('Sat 02:00-05:00'), 'Europe/Berlin', new Date('2026-11-25T10:00:00Z'));
    expect(w.start.toISOString()).toBe('2026-11-28T01:00:00.000Z');
    expect(w.end.toISOString()).toBe('2026-11-28T04:00:00.000Z');
  });

  it('returns the window that is open right now, including one that crosses midnight', () => {
    const spec = parseDowntimeWindow('23:00-01:00');
    const w = nextWindow(spec, 'UTC', new Date('2026-11-25T00:30:00Z'));
    expect(w.start.toISOString()).toBe('2026-11-24T23:00:00.000Z');
    expect(w.end.toISOString()).toBe('2026-11-25T01:00:00.000Z');
  });

  it('follows daylight saving time changes', () => {
    // New York: EDT (UTC-4) until 2026-11-01 02:00, then EST (UTC-5)
    const spec = parseDowntimeWindow('03:00-04:00');
    expect(nextWindow(spec, 'America/New_York', new Date('2026-10-31T12:00:00Z')).start.toISOString()).toBe(
      '2026-11-01T08:00:00.000Z',
    );
    expect(nextWindow(spec, 'America/New_York', new Date('2026-10-30T12:00:00Z')).start.toISOString()).toBe(
      '2026-10-31T07:00:00.000Z',
    );
  });
});

describe('cutoverFits', () => {
  const window = { start: new Date('2026-11-28T01:00:00Z'), end: new Date('2026-11-28T02:00:00Z') };
  it('fits when the estimated downtime ends before the window closes', () => {
    expect(cutoverFits(window, new Date('2026-11-28T01:10:00Z'), 30 * 60_000)).toBe(true);
    expect(cutoverFits(window, new Date('2026-11-28T00:00:00Z'), 60 * 60_000)).toBe(true);
  });
  it('does not fit when it would run past the end', () => {
    expect(cutoverFits(window, new Date('2026-11-28T01:40:00Z'), 30 * 60_000)).toBe(false);
  });
});

describe('isValidTimeZone', () => {
  it('knows IANA zones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
