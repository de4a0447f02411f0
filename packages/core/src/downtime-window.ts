// A customer's preferred downtime window, e.g. "Sat 02:00-05:00",
// "Sat,Sun 23:00-01:30" or "02:00-04:00" (every day), in the customer's IANA
// time zone. A window may cross midnight (end before start). The pipeline
// waits in await_cutover until a window opens and never starts a cutover that
// cannot finish before the window closes.
import { z } from 'zod';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
export type Weekday = (typeof DAYS)[number];

export interface DowntimeWindowSpec {
  /** days the window starts on; empty = every day */
  days: Weekday[];
  /** minutes after local midnight */
  startMinute: number;
  endMinute: number;
}

const SPEC =
  /^(?:((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)(?:,(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun))*) )?([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

export const DOWNTIME_WINDOW_SYNTAX = '[Mon|Tue|Wed|Thu|Fri|Sat|Sun[,...] ]HH:MM-HH:MM';

export function parseDowntimeWindow(text: string): DowntimeWindowSpec {
  const m = SPEC.exec(text.trim());
  if (!m)
    throw new Error(`"${text}" is not a downtime window; expected ${DOWNTIME_WINDOW_SYNTAX}, e.g. "Sat 02:00-05:00"`);
  const startMinute = Number(m[2]) * 60 + Number(m[3]);
  const endMinute = Number(m[4]) * 60 + Number(m[5]);
  if (startMinute === endMinute) throw new Error(`downtime window "${text}" is empty (starts when it ends)`);
  const days = m[1] ? ([...new Set(m[1].split(','))] as Weekday[]) : [];
  return { days, startMinute, endMinute };
}

export const downtimeWindowSchema = z.string().transform((text, ctx) => {
  try {
    parseDowntimeWindow(text);
    return text.trim();
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface Interval {
  start: Date;
  end: Date;
}

/**
 * The window that is open at `after`, or else the next one to open, as UTC
 * instants. Looks ahead 8 days, enough for any weekly spec.
 */
export function nextWindow(spec: DowntimeWindowSpec, timeZone: string, after: Date): Interval {
  const durationMin = (spec.endMinute - spec.startMinute + 1440) % 1440;
  const today = localDate(after, timeZone);
  // start one day back: a window that began yesterday may still be open
  for (let offset = -1; offset <= 8; offset++) {
    const day = addDays(today, offset);
    if (spec.days.length && !spec.days.includes(DAYS[weekday(day)]!)) continue;
    const start = zonedToUtc(day, spec.startMinute, timeZone);
    const end = new Date(start.getTime() + durationMin * 60_000);
    if (end.getTime() > after.getTime()) return { start, end };
  }
  throw new Error('no downtime window in the next 8 days');
}

/** Can a cutover of `estimatedMs` started at `now` finish inside `window`? */
export function cutoverFits(window: Interval, now: Date, estimatedMs: number): boolean {
  const begin = Math.max(now.getTime(), window.start.getTime());
  return begin + estimatedMs <= window.end.getTime();
}

interface LocalDay {
  year: number;
  month: number; // 1-12
  day: number;
}

function localDate(instant: Date, timeZone: string): LocalDay {
  const parts = partsIn(instant, timeZone);
  return { year: parts.year, month: parts.month, day: parts.day };
}

function addDays(d: LocalDay, n: number): LocalDay {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

function weekday(d: LocalDay): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
}

/**
 * The UTC instant of a local wall-clock time. Two passes of "guess, measure
 * the zone's offset there, correct" settle DST changes; a wall time that does
 * not exist (spring forward) lands just after the gap.
 */
export function zonedToUtc(d: LocalDay, minuteOfDay: number, timeZone: string): Date {
  const wall = Date.UTC(d.year, d.month - 1, d.day, Math.floor(minuteOfDay / 60), minuteOfDay % 60);
  let guess = wall;
  for (let i = 0; i < 2; i++) guess = wall - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

function offsetMs(instant: Date, timeZone: string): number {
  const p = partsIn(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(instant: Date, timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const out: Record<string, number> = {};
  for (const part of f.formatToParts(instant)) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return out as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}
