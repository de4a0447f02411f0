// The migration's progress day by day, from what each container's latest run
// records: the day it started and the day it ended (succeeded, failed or
// cancelled). The database counts those per day; this turns the counts into
// where every container stood at the end of each day. Days are UTC days
// ('YYYY-MM-DD').
//
// At the end of a day a container is
//   done         its run succeeded that day or before,
//   failed       its run failed that day or before (and is still failed),
//   in progress  its run started that day or before and has not ended,
//   not started  anything else: no run, a run that has not started, a
//                cancelled one.
// Only the latest run of a container counts, as it stands now: a run that
// failed on Monday and was retried on Tuesday is in progress from its start,
// not failed on Monday. The total is today's number of containers.

export interface ProgressCounts {
  done: number;
  inProgress: number;
  failed: number;
  notStarted: number;
}

/** What the runs did on one day: how many started, and how many ended in each way. */
export interface DayActivity {
  day: string;
  started: number;
  succeeded: number;
  failed: number;
  cancelled: number;
}

export interface DayProgress extends ProgressCounts {
  day: string;
  /** containers migrated that day: the throughput */
  migrated: number;
  /** runs that failed that day (and are still failed) */
  failedThatDay: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MS_PER_DAY = 86_400_000;

/** The UTC day of a moment, 'YYYY-MM-DD'. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The day after `day`. */
export function nextDay(day: string): string {
  return utcDay(new Date(dayStart(day).getTime() + MS_PER_DAY));
}

function dayStart(day: string): Date {
  if (!DAY.test(day)) throw new RangeError(`a day is written YYYY-MM-DD, not ${day}`);
  return new Date(`${day}T00:00:00.000Z`);
}

/**
 * One row per day from the first day with activity to `today`, gaps filled,
 * with where `total` containers stood at each day's end; no activity, no rows.
 */
export function progressByDay(total: number, activity: readonly DayActivity[], today: string): DayProgress[] {
  const byDay = new Map<string, DayActivity>();
  for (const a of activity) {
    const seen = byDay.get(a.day);
    byDay.set(
      a.day,
      seen
        ? {
            day: a.day,
            started: seen.started + a.started,
            succeeded: seen.succeeded + a.succeeded,
            failed: seen.failed + a.failed,
            cancelled: seen.cancelled + a.cancelled,
          }
        : a,
    );
  }
  const days = [...byDay.keys()].sort();
  if (days.length === 0) return [];
  const last = days.at(-1)! > today ? days.at(-1)! : today;
  const rows: DayProgress[] = [];
  let started = 0;
  let done = 0;
  let failed = 0;
  let cancelled = 0;
  for (let day = days[0]!; day <= last; day = nextDay(day)) {
    const a = byDay.get(day);
    started += a?.started ?? 0;
    done += a?.succeeded ?? 0;
    failed += a?.failed ?? 0;
    cancelled += a?.cancelled ?? 0;
    const inProgress = started - done - failed - cancelled;
    rows.push({
      day,
      done,
      inProgress,
      failed,
      notStarted: total - done - failed - inProgress,
      migrated: a?.succeeded ?? 0,
      failedThatDay: a?.failed ?? 0,
    });
  }
  return rows;
}
