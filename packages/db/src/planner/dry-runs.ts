// The dry run of preflight: an engineer asks for it on a batch that has not
// started; a converter box runs preflight's checks for each run that has not
// started (packages/pipeline engine/dry-run.ts) and records the findings
// here. Nothing else changes: no run, stage attempt or batch moves.
import { type Actor, AppError, NotFoundError, type RunSnapshot } from '@vzferry/core';
import { type Db, prismaOf } from '../client';
import { toJsonValue } from '../json';
import { dryRunJob, type FollowUpJob } from '../runs/follow-up';
import { runContextInclude, toRunSnapshot } from '../runs/run-context';
import { BOX_OFFLINE_AFTER_MS } from '../runs/scheduling';

/** Runs in these statuses have not started: their preflight is still ahead. */
export const DRY_RUN_STATUSES = ['pending', 'queued'] as const;

/** A dry run not finished after this long is stale: the reconciler stops putting its job back. */
export const DRY_RUN_STALE_MS = 10 * 60_000;

export interface PreflightFinding {
  ok: boolean;
  /** passed, with a risk to know of */
  warning?: boolean;
  code: string;
  message: string;
}

/**
 * Records the request and picks the box to run it (online, the most free
 * disk: where the scheduler would most likely put the runs). Returns the job
 * to enqueue after the commit.
 */
export async function requestDryRunPreflight(
  db: Db,
  batchId: string,
  actor: Actor,
  now: Date = new Date(),
): Promise<{ dryRunId: string; box: string; job: FollowUpJob }> {
  const client = prismaOf(db);
  return client.$transaction(async (tx) => {
    const batch = await tx.batch.findUnique({ where: { id: batchId } });
    if (!batch) throw new NotFoundError('batch', batchId);
    const waiting = await tx.migrationRun.count({ where: { batchId, status: { in: [...DRY_RUN_STATUSES] } } });
    if (waiting === 0)
      throw new AppError('batch_state', `every run of batch ${batch.name} has started; preflight ran for real`);
    const box = await tx.converterBox.findFirst({
      where: { status: 'online', lastHeartbeatAt: { gte: new Date(now.getTime() - BOX_OFFLINE_AFTER_MS) } },
      orderBy: [{ freeDiskBytes: 'desc' }, { name: 'asc' }],
    });
    if (!box) throw new AppError('no_box_online');
    const dryRun = await tx.preflightDryRun.create({
      data: { batchId, converterBoxId: box.id, requestedBy: actor.name, requestedAt: now },
    });
    return { dryRunId: dryRun.id, box: box.name, job: dryRunJob(dryRun.id, box.id) };
  });
}

/**
 * The box begins: the runs to check, as stages see them but on this box
 * (its work dir, its template server). Null when the dry run is done or is
 * another box's.
 */
export async function beginDryRun(
  db: Db,
  dryRunId: string,
  boxId: string,
  now: Date = new Date(),
): Promise<RunSnapshot[] | null> {
  const client = prismaOf(db);
  const claimed = await client.preflightDryRun.updateMany({
    where: { id: dryRunId, converterBoxId: boxId, finishedAt: null },
    data: { startedAt: now },
  });
  if (claimed.count === 0) return null;
  const dryRun = await client.preflightDryRun.findUniqueOrThrow({
    where: { id: dryRunId },
    include: { converterBox: true },
  });
  const rows = await client.migrationRun.findMany({
    where: { batchId: dryRun.batchId, status: { in: [...DRY_RUN_STATUSES] } },
    orderBy: { createdAt: 'asc' },
    include: runContextInclude,
  });
  return rows.map((row) => toRunSnapshot(row, dryRun.converterBox ?? undefined));
}

/** One run's findings (a repeat of the same dry run replaces them). */
export async function recordDryRunResult(
  db: Db,
  dryRunId: string,
  runId: string,
  findings: readonly PreflightFinding[],
  now: Date = new Date(),
): Promise<void> {
  const client = prismaOf(db);
  const ok = findings.every((f) => f.ok);
  const data = { ok, findings: toJsonValue(findings), checkedAt: now };
  await client.preflightDryRunResult.upsert({
    where: { dryRunId_runId: { dryRunId, runId } },
    create: { dryRunId, runId, ...data },
    update: data,
  });
}

/** Done; `error` says why the dry run as a whole could not run (a container's problem is a finding). */
export async function finishDryRun(
  db: Db,
  dryRunId: string,
  error: string | null,
  now: Date = new Date(),
): Promise<void> {
  await prismaOf(db).preflightDryRun.update({ where: { id: dryRunId }, data: { finishedAt: now, error } });
}

/** Jobs of dry runs that are not finished nor stale: Redis may have lost them (the reconciler puts them back). */
export async function dryRunJobsThatMustExist(db: Db, now: Date): Promise<FollowUpJob[]> {
  const open = await prismaOf(db).preflightDryRun.findMany({
    where: {
      finishedAt: null,
      converterBoxId: { not: null },
      requestedAt: { gte: new Date(now.getTime() - DRY_RUN_STALE_MS) },
    },
    select: { id: true, converterBoxId: true },
  });
  return open.map((d) => dryRunJob(d.id, d.converterBoxId!));
}
