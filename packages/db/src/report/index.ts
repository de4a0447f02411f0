// The manager's report: the queries of report-queries.ts, read in one
// snapshot (so the tables add up to the same totals), and core's
// arithmetic on what they return.
import {
  downtimePercentiles,
  ESTIMATE_WINDOW_DAYS,
  estimateCompletion,
  progressByDay,
  utcDay,
  type Breakdown,
  type DowntimeRow,
  type MigrationReport,
} from '@vzferry/core';
import { type Db, prismaOf } from '../client';
import {
  customerBreakdown,
  dailyActivity,
  downtimeFigures,
  downtimeRows,
  failureReasons,
  hostBreakdown,
  paceSince,
} from './report-queries';

const MS_PER_DAY = 86_400_000;
const LONGEST_DOWNTIMES = 10;

export async function loadReport(db: Db, opts: { now?: Date } = {}): Promise<MigrationReport> {
  const now = opts.now ?? new Date();
  return prismaOf(db).$transaction(
    async (tx) => {
      const hosts = await hostBreakdown(tx);
      const customers = await customerBreakdown(tx);
      const activity = await dailyActivity(tx);
      const pace = await paceSince(tx, new Date(now.getTime() - ESTIMATE_WINDOW_DAYS * MS_PER_DAY));
      const failures = await failureReasons(tx);
      const downtime = await downtimeFigures(tx);
      const longest = await downtimeRows(tx, { longest: LONGEST_DOWNTIMES });
      const totals = sumBreakdowns(hosts);
      return {
        generatedAt: now,
        totals,
        daily: progressByDay(totals.total, activity, utcDay(now)),
        downtime: {
          ...downtimePercentiles(downtime.seconds),
          downNow: downtime.downNow,
          stoppedMoreThanOnce: downtime.stoppedMoreThanOnce,
          longest,
        },
        estimate: estimateCompletion({
          now,
          remaining: totals.left,
          migratedInWindow: pace.migratedSince,
          firstStartedAt: pace.firstStartedAt,
        }),
        failures,
        hosts,
        customers,
      };
    },
    // one snapshot: the tables add up to the totals even while runs move
    { isolationLevel: 'RepeatableRead', timeout: 30_000 },
  );
}

/** Every run with a stored downtime, by its start (the downtime table's CSV). */
export async function listDowntimes(db: Db): Promise<DowntimeRow[]> {
  return downtimeRows(prismaOf(db));
}

function sumBreakdowns(rows: readonly Breakdown[]): Breakdown {
  const sum = (key: keyof Breakdown) => rows.reduce((n, r) => n + r[key], 0);
  return {
    total: sum('total'),
    done: sum('done'),
    inProgress: sum('inProgress'),
    failed: sum('failed'),
    notStarted: sum('notStarted'),
    left: sum('left'),
  };
}
