// The engineer's failures view: every failed run, grouped by the stage it
// failed in and its error code (core's groupFailures), and Retry for a whole
// group in one request: each run through retryRun, the jobs enqueued by the
// caller after the commits.
import { type Actor, AppError, groupFailures, retryPlan, type Stage } from '@vzferry/core';
import { type Db, prismaOf } from '../client';
import type { FollowUpJob } from '../runs/follow-up';
import { retryRun } from '../runs/run-commands';

/** The failed runs one answer lists at most (the newest); the total says how many there are. */
export const FAILURES_SHOWN = 5000;

export async function listFailures(db: Db, opts: { limit?: number } = {}) {
  const client = prismaOf(db);
  const where = { status: 'failed' as const, failedStage: { not: null } };
  const [total, rows] = await Promise.all([
    client.migrationRun.count({ where }),
    client.migrationRun.findMany({
      where,
      orderBy: [{ finishedAt: 'desc' }, { id: 'asc' }],
      take: opts.limit ?? FAILURES_SHOWN,
      select: {
        id: true,
        failedStage: true,
        errorCode: true,
        error: true,
        finishedAt: true,
        updatedAt: true,
        cutoverPath: true,
        batch: { select: { id: true, name: true, status: true } },
        container: {
          select: {
            id: true,
            sourceCtid: true,
            hostname: true,
            sourceHost: { select: { name: true } },
            customer: { select: { name: true } },
          },
        },
      },
    }),
  ]);
  const runs = rows.map((r) => ({
    id: r.id,
    // the where clause leaves out runs without one
    failedStage: r.failedStage as Stage,
    errorCode: r.errorCode,
    error: r.error,
    failedAt: r.finishedAt ?? r.updatedAt,
    cutoverPath: r.cutoverPath,
    batch: r.batch,
    container: {
      id: r.container.id,
      sourceCtid: r.container.sourceCtid,
      hostname: r.container.hostname,
      sourceHost: r.container.sourceHost,
    },
    customer: r.container.customer,
  }));
  const groups = groupFailures(runs).map((g) => ({ ...g, count: g.runs.length }));
  return { total, shown: runs.length, groups };
}

export interface RetryGroupInput {
  stage: Stage;
  errorCode: string;
  /** the runs of the group the engineer saw; those no longer failed for this cause are left alone */
  runIds: string[];
}

export interface RetryGroupResult {
  retried: Array<{ runId: string; from: Stage }>;
  notRetried: Array<{ runId: string; reason: string }>;
  /** to enqueue after the commits (retryRun's follow-up jobs) */
  jobs: FollowUpJob[];
}

/** Retry all for a failure group: every listed run still failed for that cause, each in its own transaction. */
export async function retryFailureGroup(db: Db, input: RetryGroupInput, actor: Actor): Promise<RetryGroupResult> {
  const result: RetryGroupResult = { retried: [], notRetried: [], jobs: [] };
  for (const runId of new Set(input.runIds)) {
    try {
      // where a Retry starts depends on the run's order too (a staged deploy_vm retries without a new downtime)
      const path = (await prismaOf(db).migrationRun.findUnique({ where: { id: runId }, select: { cutoverPath: true } }))
        ?.cutoverPath;
      result.jobs.push(...(await retryRun(db, runId, actor, { failedAs: input })));
      result.retried.push({ runId, from: retryPlan(input.stage, path).from });
    } catch (err) {
      // a run that changed meanwhile is reported; anything else is a real error
      if (!(err instanceof AppError) || !['run_state', 'not_found'].includes(err.code)) throw err;
      result.notRetried.push({ runId, reason: err.message });
    }
  }
  return result;
}
