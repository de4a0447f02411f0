// Times as a customer reads them: in their own time zone, with the weekday
// and the month in words, so "Tue 1 Dec 2026 at 02:14" needs no
// explanation on the phone. English, 24-hour clock; the zone is named by
// its IANA id ("Europe/Berlin"), which says more than "CET" does.
import { isValidTimeZone } from '../downtime-window';

interface Parts {
  weekday: string;
  day: string;
  month: string;
  year: string;
  hour: string;
  minute: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone itself, or UTC for a zone this runtime does not know (a typo would otherwise throw on every page). */
export function knownZone(timeZone: string | null | undefined): string {
  return timeZone && isValidTimeZone(timeZone) ? timeZone : 'UTC';
}

function partsOf(instant: Date, timeZone: string): Parts {
  const zone = knownZone(timeZone);
  let f = formatters.get(zone);
  if (!f) {
    // en-US for the parts: its short month names are the three-letter ones everywhere ("Sep", not "Sept")
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  const out: Record<string, string> = {};
  for (const p of f.formatToParts(instant)) out[p.type] = p.value;
  return {
    weekday: out.weekday ?? '',
    day: out.day ?? '',
    month: out.month ?? '',
    year: out.year ?? '',
    hour: out.hour ?? '',
    minute: out.minute ?? '',
  };
}

/** "1 Dec 2026" */
export function formatDate(instant: Date, timeZone: string): string {
  const p = partsOf(instant, timeZone);
  return `${p.day} ${p.month} ${p.year}`;
}

/** "Tue 1 Dec 2026" */
export function formatDay(instant: Date, timeZone: string): string {
  return `${partsOf(instant, timeZone).weekday} ${formatDate(instant, timeZone)}`;
}

/** "02:14" */
export function formatClock(instant: Date, timeZone: string): string {
  const p = partsOf(instant, timeZone);
  return `${p.hour}:${p.minute}`;
}

/** "1 Dec 2026 at 02:14" */
export function formatDateTimeIn(instant: Date, timeZone: string): string {
  return `${formatDate(instant, timeZone)} at ${formatClock(instant, timeZone)}`;
}

/** "Tue 1 Dec 2026 at 02:14" */
export function formatDayTime(instant: Date, timeZone: string): string {
  return `${formatDay(instant, timeZone)} at ${formatClock(instant, timeZone)}`;
}

/** The clock alone when `instant` falls on the same local day as `reference`, else the date too. */
export function formatClockOrDateTime(instant: Date, timeZone: string, reference: Date): string {
  return formatDate(instant, timeZone) === formatDate(reference, timeZone)
    ? formatClock(instant, timeZone)
    : formatDateTimeIn(instant, timeZone);
}

/** "Tue 1 Dec 2026, 02:00–04:00"; a window past midnight names both days. The caller names the zone. */
export function formatWindow(start: Date, end: Date, timeZone: string): string {
  const sameDay = formatDay(start, timeZone) === formatDay(end, timeZone);
  const until = sameDay ? formatClock(end, timeZone) : `${formatDay(end, timeZone)}, ${formatClock(end, timeZone)}`;
  return `${formatDay(start, timeZone)}, ${formatClock(start, timeZone)}–${until}`;
}

/** "7 s", "4 min 12 s", "1 h 5 min", "2 d 3 h": two units at most, the larger first. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const units: [number, string][] = [
    [Math.floor(s / 86_400), 'd'],
    [Math.floor((s % 86_400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'min'],
    [s % 60, 's'],
  ];
  const first = units.findIndex(([n]) => n > 0);
  if (first === -1) return '0 s';
  return units
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}`)
    .join(' ');
}
