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
