// What the batch and run pages show: read-only views shaped for JSON
// (bigints as strings), polled by the browser while work moves.
import { configDiffSchema, NotFoundError, retryPlan, stageOrder, type ConfigDiff } from '@vzferry/core';
import { type Db, prismaOf } from '../client';

const big = (v: bigint | null | undefined) => (v === null || v === undefined ? null : v.toString());

/** The config diff of the run's latest rewrite_config that succeeded; [] before it, or if its result is not one. */
function configDiffOf(stageRuns: ReadonlyArray<{ stage: string; status: string; result: unknown }>): ConfigDiff[] {
  const done = stageRuns.filter((s) => s.stage === 'rewrite_config' && s.status === 'succeeded').at(-1);
  const parsed = configDiffSchema.array().safeParse((done?.result as { configDiff?: unknown } | null)?.configDiff);
  return parsed.success ? parsed.data : [];
}

type Window = { startedAt: Date; endedAt: Date | null };

/**
 * Every downtime window of a run, the earlier ones (a Retry after a rollback
 * stopped the source again) and the current one, and their sum in seconds
 * (the closed ones; null before the first ended).
 */
export function downtimeOf(run: {
  downtimeStartedAt: Date | null;
  downtimeEndedAt: Date | null;
  downtimeWindows: Window[];
}): { downtimeWindows: Window[]; downtimeSeconds: number | null } {
  const current = run.downtimeStartedAt ? [{ startedAt: run.downtimeStartedAt, endedAt: run.downtimeEndedAt }] : [];
  const windows = [...run.downtimeWindows, ...current];
  const closed = windows.filter((w) => w.endedAt !== null);
  const ms = closed.reduce((sum, w) => sum + (w.endedAt!.getTime() - w.startedAt.getTime()), 0);
  return { downtimeWindows: windows, downtimeSeconds: closed.length ? ms / 1000 : null };
}

export async function listBatches(db: Db) {
  const client = prismaOf(db);
  const [batches, counts] = await Promise.all([
    client.batch.findMany({ orderBy: { createdAt: 'desc' }, take: 200 }),
    client.migrationRun.groupBy({ by: ['batchId', 'status'], _count: true }),
  ]);
  return batches.map((b) => ({
    ...b,
    runs: Object.fromEntries(counts.filter((c) => c.batchId === b.id).map((c) => [c.status, c._count])) as Record<
      string,
      number
    >,
  }));
}

const isWaitingReason = (r: { status: string; errorCode: string | null }) =>
  r.status === 'queued' && r.errorCode === 'waiting_for_capacity';

export async function getBatchView(db: Db, id: string) {
  const client = prismaOf(db);
  const batch = await client.batch.findUnique({
    where: { id },
    include: {
      runs: {
        // what never changes while the batch runs: rows stay where they are as their runs move
        orderBy: [{ container: { sourceCtid: 'asc' } }, { container: { sourceHost: { name: 'asc' } } }, { id: 'asc' }],
        include: {
          container: {
            select: {
              id: true,
              sourceCtid: true,
              hostname: true,
              sourceHost: { select: { name: true } },
              customer: { select: { name: true } },
              downtimeWindow: true,
            },
          },
          converterBox: { select: { name: true } },
          stageRuns: { orderBy: [{ queuedAt: 'desc' }], take: 1 },
        },
      },
    },
  });
  if (!batch) throw new NotFoundError('batch', id);
  return {
    ...batch,
    runs: batch.runs.map(({ stageRuns, ...r }) => ({
      id: r.id,
      status: r.status,
      currentStage: r.currentStage,
      failedStage: r.failedStage,
      // why a queued run has not started is not an error (recordWaitingReasons)
      error: isWaitingReason(r) ? null : r.error,
      waitingReason: isWaitingReason(r) ? r.error : null,
      container: r.container,
      box: r.converterBox?.name ?? null,
      plannedWindowStart: r.plannedWindowStart,
      plannedWindowEnd: r.plannedWindowEnd,
      downtimeStartedAt: r.downtimeStartedAt,
      downtimeEndedAt: r.downtimeEndedAt,
      progressPercent: stageRuns[0]?.progressPercent ?? null,
      stageMessage: stageRuns[0]?.message ?? null,
    })),
  };
}

export async function getRunView(db: Db, id: string, opts: { events?: number } = {}) {
  const client = prismaOf(db);
  const run = await client.migrationRun.findUnique({
    where: { id },
    include: {
      batch: { select: { id: true, name: true, status: true } },
      container: {
        select: {
          id: true,
          sourceCtid: true,
          hostname: true,
          downtimeWindow: true,
          sourceHost: { select: { name: true } },
          customer: { select: { name: true, timezone: true } },
        },
      },
      converterBox: { select: { name: true } },
      downtimeWindows: { orderBy: { startedAt: 'asc' }, select: { startedAt: true, endedAt: true } },
      catchUpSyncs: {
        orderBy: { startedAt: 'asc' },
        select: { startedAt: true, durationMs: true, files: true, filesTransferred: true, bytesTransferred: true },
      },
      stageRuns: { orderBy: [{ queuedAt: 'asc' }] },
      templateUploads: {
        orderBy: { attempt: 'asc' },
        select: {
          attempt: true,
          state: true,
          csStatus: true,
          downloadPercent: true,
          error: true,
          createdAt: true,
          readyAt: true,
        },
      },
    },
  });
  if (!run) throw new NotFoundError('run', id);
  const events = await client.runEvent.findMany({
    where: { runId: id },
    orderBy: { id: 'desc' },
    take: opts.events ?? 300,
  });
  const stageOf = new Map(run.stageRuns.map((s) => [s.id, s.stage]));
  // one row per stage: its latest attempt
  const stages = stageOrder(run.cutoverPath).map((stage) => {
    const attempts = run.stageRuns.filter((s) => s.stage === stage);
    const last = attempts.at(-1);
    return {
      stage,
      attempts: attempts.length,
      status: last?.status ?? 'not_started',
      progressPercent: last?.progressPercent ?? null,
      bytesDone: big(last?.bytesDone),
      bytesTotal: big(last?.bytesTotal),
      filesDone: last?.filesDone ?? null,
      filesTotal: last?.filesTotal ?? null,
      message: last?.message ?? null,
      error: last?.error ?? null,
      startedAt: last?.startedAt ?? null,
      finishedAt: last?.finishedAt ?? null,
    };
  });
  return {
    id: run.id,
    status: run.status,
    currentStage: run.currentStage,
    failedStage: run.failedStage,
    error: run.error,
    /** what its Retry does, while it is failed */
    retry: run.status === 'failed' && run.failedStage ? retryPlan(run.failedStage, run.cutoverPath) : null,
    cutoverPath: run.cutoverPath,
    batch: run.batch,
    container: run.container,
    box: run.converterBox?.name ?? null,
    plannedWindowStart: run.plannedWindowStart,
    plannedWindowEnd: run.plannedWindowEnd,
    downtimeStartedAt: run.downtimeStartedAt,
    downtimeEndedAt: run.downtimeEndedAt,
    ...downtimeOf(run),
    cloudstackVmName: run.cloudstackVmName,
    projectedDowntimeMs: run.projectedDowntimeMs,
    catchUpSyncs: run.catchUpSyncs.map((c) => ({ ...c, bytesTransferred: c.bytesTransferred.toString() })),
    stages,
    /** what rewrite_config changed in the guest's own configuration (backup against rewritten) */
    configDiff: configDiffOf(run.stageRuns),
    templateUploads: run.templateUploads,
    events: events.reverse().map((e) => ({
      id: e.id.toString(),
      // the stage whose attempt wrote it (null: the run's own events, e.g. a cancel)
      stage: (e.stageRunId && stageOf.get(e.stageRunId)) ?? null,
      at: e.at,
      level: e.level,
      kind: e.kind,
      stream: e.stream,
      message: e.message,
    })),
  };
}

/** What a run's page is titled by, or null for a run that does not exist. */
export async function findRunHeading(db: Db, id: string) {
  return prismaOf(db).migrationRun.findUnique({
    where: { id },
    select: { id: true, container: { select: { sourceCtid: true, hostname: true } } },
  });
}

/** What a batch's page is titled by, or null for a batch that does not exist. */
export async function findBatchHeading(db: Db, id: string) {
  return prismaOf(db).batch.findUnique({ where: { id }, select: { id: true, name: true } });
}
