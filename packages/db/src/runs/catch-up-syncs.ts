// Catch-up syncs (await_cutover): each one's time and what had changed are
// kept on the run, so the cutover's final sync is known before it starts
// and the run page shows them.
import { z } from 'zod';
import { type Db, prismaOf } from '../client';

export const catchUpSyncInputSchema = z.object({
  startedAt: z.date(),
  durationMs: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
  filesTransferred: z.number().int().nonnegative(),
  bytesTransferred: z.bigint().nonnegative(),
  bytesTotal: z.bigint().nonnegative(),
});
export type CatchUpSyncInput = z.infer<typeof catchUpSyncInputSchema>;
export type CatchUpSyncRow = CatchUpSyncInput & { id: string };

export async function recordCatchUpSync(db: Db, runId: string, sync: CatchUpSyncInput): Promise<CatchUpSyncRow> {
  const data = catchUpSyncInputSchema.parse(sync);
  const row = await prismaOf(db).catchUpSync.create({ data: { runId, ...data } });
  return toRow(row);
}

/** The run's catch-up syncs, oldest first. */
export async function listCatchUpSyncs(db: Db, runId: string): Promise<CatchUpSyncRow[]> {
  const rows = await prismaOf(db).catchUpSync.findMany({ where: { runId }, orderBy: { startedAt: 'asc' } });
  return rows.map(toRow);
}

export async function lastCatchUpSync(db: Db, runId: string): Promise<CatchUpSyncRow | null> {
  const row = await prismaOf(db).catchUpSync.findFirst({ where: { runId }, orderBy: { startedAt: 'desc' } });
  return row ? toRow(row) : null;
}

function toRow(r: CatchUpSyncRow & { runId: string }): CatchUpSyncRow {
  return {
    id: r.id,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    files: r.files,
    filesTransferred: r.filesTransferred,
    bytesTransferred: r.bytesTransferred,
    bytesTotal: r.bytesTotal,
  };
}

/** How many of the last staged cutovers measure the fixed cost (enough that one odd cutover does not move it). */
const COST_SAMPLE = 20;

export interface StagedCutoverCost {
  /** the median of the runs' fixed costs */
  fixedMs: number;
  /** how many cutovers it was measured over */
  runs: number;
}

/**
 * The fixed cost of a staged cutover on this zone, measured: for each of the
 * last staged runs that succeeded, its cutover's downtime less twice its last
 * catch-up sync (the projection's model, core estimateCutoverMs: the final
 * sync and the pull in the VM each move about what that sync moved); the
 * median of them. null before the zone's first staged cutover with a
 * catch-up sync.
 */
export async function measuredStagedCutoverCost(db: Db): Promise<StagedCutoverCost | null> {
  const runs = await prismaOf(db).migrationRun.findMany({
    where: {
      cutoverPath: 'staged',
      status: 'succeeded',
      downtimeStartedAt: { not: null },
      downtimeEndedAt: { not: null },
      catchUpSyncs: { some: {} },
    },
    orderBy: { downtimeEndedAt: 'desc' },
    take: COST_SAMPLE,
    select: {
      downtimeStartedAt: true,
      downtimeEndedAt: true,
      // catch-up syncs run only in await_cutover, before stop_source: the last one is the cutover's
      catchUpSyncs: { orderBy: { startedAt: 'desc' }, take: 1, select: { durationMs: true } },
    },
  });
  const costs = runs
    .map((r) =>
      Math.max(0, r.downtimeEndedAt!.getTime() - r.downtimeStartedAt!.getTime() - 2 * r.catchUpSyncs[0]!.durationMs),
    )
    .sort((a, b) => a - b);
  if (!costs.length) return null;
  const mid = Math.floor(costs.length / 2);
  const fixedMs = costs.length % 2 ? costs[mid]! : Math.round((costs[mid - 1]! + costs[mid]!) / 2);
  return { fixedMs, runs: costs.length };
}
