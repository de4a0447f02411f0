import { describe, expect, it } from 'vitest';
import {
  formatClockOrDateTime,
  formatDateTimeIn,
  formatDayTime,
  formatDuration,
  formatWindow,
  knownZone,
} from './zoned-time';

// Tue 1 Dec 2026, 01:14 UTC
const AT = new Date('2026-12-01T01:14:00Z');

describe('times in the customer zone', () => {
  it('shows one instant on each customer clock', () => {
    expect(formatDayTime(AT, 'UTC')).toBe('Tue 1 Dec 2026 at 01:14');
    expect(formatDayTime(AT, 'Europe/Amsterdam')).toBe('Tue 1 Dec 2026 at 02:14');
    expect(formatDayTime(AT, 'Asia/Tokyo')).toBe('Tue 1 Dec 2026 at 10:14');
    // still Monday evening in New York
    expect(formatDayTime(AT, 'America/New_York')).toBe('Mon 30 Nov 2026 at 20:14');
  });

  it('writes September with three letters and a single-digit day without a zero', () => {
    expect(formatDateTimeIn(new Date('2026-09-05T08:00:00Z'), 'UTC')).toBe('5 Sep 2026 at 08:00');
  });

  it('names both days of a window that crosses midnight, one day otherwise', () => {
    const sat = new Date('2026-12-05T21:00:00Z');
    expect(formatWindow(sat, new Date('2026-12-06T01:00:00Z'), 'Europe/Berlin')).toBe(
      'Sat 5 Dec 2026, 22:00–Sun 6 Dec 2026, 02:00',
    );
    expect(formatWindow(sat, new Date('2026-12-05T22:30:00Z'), 'Europe/Berlin')).toBe('Sat 5 Dec 2026, 22:00–23:30');
  });

  it('drops the date of an instant on the same local day as the reference', () => {
    const later = new Date('2026-12-01T01:31:00Z');
    expect(formatClockOrDateTime(later, 'Europe/Amsterdam', AT)).toBe('02:31');
    expect(formatClockOrDateTime(new Date('2026-12-02T01:31:00Z'), 'Europe/Amsterdam', AT)).toBe('2 Dec 2026 at 02:31');
    // the same two instants are on different days in Tokyo (23:55 and 00:05)
    expect(
      formatClockOrDateTime(new Date('2026-12-01T15:05:00Z'), 'Asia/Tokyo', new Date('2026-12-01T14:55:00Z')),
    ).toBe('2 Dec 2026 at 00:05');
  });

  it('falls back to UTC for a zone it does not know instead of throwing', () => {
    expect(knownZone('Mars/Olympus')).toBe('UTC');
    expect(knownZone(null)).toBe('UTC');
    expect(formatDayTime(AT, 'Mars/Olympus')).toBe('Tue 1 Dec 2026 at 01:14');
  });
});

describe('formatDuration', () => {
  it('uses the two largest units that are not zero', () => {
    expect(formatDuration(7_000)).toBe('7 s');
    expect(formatDuration(252_000)).toBe('4 min 12 s');
    expect(formatDuration(3_600_000 + 5 * 60_000 + 9_000)).toBe('1 h 5 min');
    expect(formatDuration(3_600_000 + 9_000)).toBe('1 h');
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe('2 d 3 h');
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(-5_000)).toBe('0 s');
  });
});
