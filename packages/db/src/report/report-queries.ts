// The report's SQL. Every figure is aggregated in PostgreSQL: the rows that
// come back are one per day, host, customer or failure reason, never one
// per container. A container's standing is its latest run's (core
// daily-progress.ts says what each standing means); a container that
// vanished from its host still counts if it has a run (its source may be
// deleted once it is migrated).
import { isStage, type DayActivity, type DowntimeRow, type FailureReason, errorCodeMessage } from '@vzferry/core';
import type { Tx } from '../client';
import { Prisma } from '../generated/client';

const SCOPED = Prisma.sql`
  WITH latest AS (
    SELECT DISTINCT ON ("containerId") "containerId", status, "startedAt", "finishedAt", "errorCode", "failedStage"
    FROM "MigrationRun"
    ORDER BY "containerId", "createdAt" DESC, id DESC
  ),
  scoped AS (
    SELECT c.id, c."sourceHostId", c."customerId", l.status, l."startedAt", l."finishedAt", l."errorCode",
      l."failedStage",
      CASE
        WHEN l.status = 'succeeded' THEN 'done'
        WHEN l.status = 'failed' THEN 'failed'
        WHEN l."startedAt" IS NOT NULL AND l.status <> 'cancelled' THEN 'in_progress'
        ELSE 'not_started'
      END AS standing
    FROM "Container" c
    LEFT JOIN latest l ON l."containerId" = c.id
    WHERE c."vanishedAt" IS NULL OR l."containerId" IS NOT NULL
  )`;

const COUNTS = Prisma.sql`
  count(s.id)::int AS total,
  (count(*) FILTER (WHERE s.standing = 'done'))::int AS done,
  (count(*) FILTER (WHERE s.standing = 'in_progress'))::int AS "inProgress",
  (count(*) FILTER (WHERE s.standing = 'failed'))::int AS failed,
  (count(*) FILTER (WHERE s.standing = 'not_started'))::int AS "notStarted"`;

interface CountsRow {
  total: number;
  done: number;
  inProgress: number;
  failed: number;
  notStarted: number;
}

const withLeft = <T extends CountsRow>(r: T) => ({ ...r, left: r.total - r.done });

export async function hostBreakdown(tx: Tx) {
  const rows = await tx.$queryRaw<Array<CountsRow & { hostId: string; host: string }>>`
    ${SCOPED}
    SELECT h.id AS "hostId", h.name AS host, ${COUNTS}
    FROM "SourceHost" h
    LEFT JOIN scoped s ON s."sourceHostId" = h.id
    GROUP BY h.id, h.name
    ORDER BY h.name`;
  return rows.map(withLeft);
}

export async function customerBreakdown(tx: Tx) {
  const rows = await tx.$queryRaw<
    Array<CountsRow & { customerId: string | null; customer: string | null; email: string | null }>
  >`
    ${SCOPED}
    SELECT s."customerId", cu.name AS customer, cu.email, ${COUNTS}
    FROM scoped s
    LEFT JOIN "Customer" cu ON cu.id = s."customerId"
    GROUP BY s."customerId", cu.name, cu.email
    ORDER BY count(s.id) - count(*) FILTER (WHERE s.standing = 'done') DESC, cu.name NULLS LAST, s."customerId"`;
  return rows.map((r) => withLeft({ ...r, customer: r.customer ?? 'no customer' }));
}

/** Per UTC day: how many latest runs started, and how many ended in each way. */
export async function dailyActivity(tx: Tx): Promise<DayActivity[]> {
  return tx.$queryRaw<DayActivity[]>`
    ${SCOPED},
    moves AS (
      SELECT "startedAt"::date AS day, 1 AS started, 0 AS succeeded, 0 AS failed, 0 AS cancelled
      FROM scoped WHERE "startedAt" IS NOT NULL
      UNION ALL
      SELECT "finishedAt"::date, 0, (status = 'succeeded')::int, (status = 'failed')::int, (status = 'cancelled')::int
      FROM scoped
      WHERE "startedAt" IS NOT NULL AND "finishedAt" IS NOT NULL AND status IN ('succeeded', 'failed', 'cancelled')
    )
    SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(started)::int AS started, sum(succeeded)::int AS succeeded,
      sum(failed)::int AS failed, sum(cancelled)::int AS cancelled
    FROM moves GROUP BY day ORDER BY day`;
}

/** What the completion estimate needs: the first start, and the containers migrated since `since`. */
export async function paceSince(tx: Tx, since: Date): Promise<{ firstStartedAt: Date | null; migratedSince: number }> {
  const [row] = await tx.$queryRaw<Array<{ firstStartedAt: Date | null; migratedSince: number }>>`
    ${SCOPED}
    SELECT min("startedAt") AS "firstStartedAt",
      (count(*) FILTER (WHERE status = 'succeeded' AND "finishedAt" > ${since}))::int AS "migratedSince"
    FROM scoped`;
  return row ?? { firstStartedAt: null, migratedSince: 0 };
}

/** Containers whose latest run failed, by code and stage, most first. */
export async function failureReasons(tx: Tx): Promise<FailureReason[]> {
  const rows = await tx.$queryRaw<Array<{ errorCode: string; stage: string | null; runs: number }>>`
    ${SCOPED}
    SELECT coalesce("errorCode", 'failed') AS "errorCode", "failedStage"::text AS stage, count(*)::int AS runs
    FROM scoped WHERE standing = 'failed'
    GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`;
  return rows.map((r) => ({
    errorCode: r.errorCode,
    message: errorCodeMessage(r.errorCode),
    stage: r.stage !== null && isStage(r.stage) ? r.stage : null,
    runs: r.runs,
  }));
}

/**
 * Every closed downtime window of a run, grouped by run: the earlier ones a
 * Retry kept (DowntimeWindow) and the run's current one. A run's downtime is
 * the sum of its windows, not the span from the first stop to the last start.
 */
const RUN_DOWNTIMES = Prisma.sql`
  WITH windows AS (
    SELECT "runId", "startedAt", "endedAt" FROM "DowntimeWindow"
    UNION ALL
    SELECT id, "downtimeStartedAt", "downtimeEndedAt" FROM "MigrationRun"
    WHERE "downtimeStartedAt" IS NOT NULL AND "downtimeEndedAt" IS NOT NULL
  ),
  run_downtimes AS (
    SELECT "runId", min("startedAt") AS "startedAt", max("endedAt") AS "endedAt",
      sum(extract(epoch FROM "endedAt" - "startedAt"))::float8 AS seconds,
      array_agg(extract(epoch FROM "startedAt")::float8 ORDER BY "startedAt") AS starts,
      array_agg(extract(epoch FROM "endedAt")::float8 ORDER BY "startedAt") AS ends
    FROM windows GROUP BY "runId"
  )`;

/**
 * Every run's stored downtime in seconds (any run, not only the latest: a
 * rolled-back run's customer was down too; each run the sum of its windows),
 * how many runs are down now, and how many stopped their source more than once.
 */
export async function downtimeFigures(
  tx: Tx,
): Promise<{ seconds: number[]; downNow: number; stoppedMoreThanOnce: number }> {
  const [row] = await tx.$queryRaw<Array<{ seconds: number[] | null; downNow: number; stoppedMoreThanOnce: number }>>`
    ${RUN_DOWNTIMES}
    SELECT
      (SELECT array_agg(seconds) FROM run_downtimes) AS seconds,
      (SELECT count(*)::int FROM "MigrationRun"
         WHERE "downtimeStartedAt" IS NOT NULL AND "downtimeEndedAt" IS NULL
           AND status IN ('running', 'waiting', 'rolling_back')) AS "downNow",
      (SELECT count(*)::int FROM (
         SELECT s."runId" FROM "StageRun" s
         JOIN run_downtimes d ON d."runId" = s."runId"
         WHERE s.stage = 'stop_source' AND s."startedAt" IS NOT NULL
         GROUP BY s."runId" HAVING count(*) > 1) twice) AS "stoppedMoreThanOnce"`;
  return {
    seconds: row?.seconds ?? [],
    downNow: row?.downNow ?? 0,
    stoppedMoreThanOnce: row?.stoppedMoreThanOnce ?? 0,
  };
}

/** Runs with a stored downtime: the longest first (`limit` of them), or every one by its start. */
export async function downtimeRows(tx: Tx, opts: { longest?: number } = {}): Promise<DowntimeRow[]> {
  const order =
    opts.longest === undefined
      ? Prisma.sql`ORDER BY d."startedAt", r.id`
      : Prisma.sql`ORDER BY d.seconds DESC, r.id LIMIT ${opts.longest}`;
  const rows = await tx.$queryRaw<Array<Omit<DowntimeRow, 'windows'> & { starts: number[]; ends: number[] }>>`
    ${RUN_DOWNTIMES}
    SELECT r.id AS "runId", r.status::text AS "runStatus", c.id AS "containerId", c."sourceCtid" AS ctid, c.hostname,
      h.name AS host, cu.name AS customer, d."startedAt", d."endedAt", d.seconds, d.starts, d.ends,
      (r."projectedDowntimeMs" / 1000.0)::float8 AS "projectedSeconds",
      (SELECT count(*)::int FROM "StageRun" s
         WHERE s."runId" = r.id AND s.stage = 'stop_source' AND s."startedAt" IS NOT NULL) AS stops
    FROM run_downtimes d
    JOIN "MigrationRun" r ON r.id = d."runId"
    JOIN "Container" c ON c.id = r."containerId"
    JOIN "SourceHost" h ON h.id = c."sourceHostId"
    LEFT JOIN "Customer" cu ON cu.id = c."customerId"
    ${order}`;
  return rows.map(({ starts, ends, ...row }) => ({
    ...row,
    windows: starts.map((start, i) => ({ startedAt: new Date(start * 1000), endedAt: new Date(ends[i]! * 1000) })),
  }));
}
