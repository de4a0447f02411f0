// Every status change of a run, a stage attempt or a batch goes through
// here, so it follows core's state tables (packages/core/src/pipeline/
// states.ts). A move is one conditional UPDATE that applies only to rows in
// a status the table allows to move to the target (narrowed further by the
// caller): two workers racing cannot both move a row, and a move the table
// does not allow changes nothing. A run's container follows its run
// (CONTAINER_STATE_OF_RUN), in the same transaction.
import { CONTAINER_STATE_OF_RUN, movableFrom, type BatchStatus, type RunStatus, type StageStatus } from '@vzferry/core';
import type { Prisma } from '../generated/client';
import type { Tx } from '../client';

interface MoveOptions<S, W, D> {
  /** only rows in these statuses move (each must be allowed to move to the target); default: all that may */
  from?: readonly S[];
  /** further conditions (a lease owner, a heartbeat older than…) */
  where?: W;
  /** other columns written with the move (the status is the move's to write) */
  data?: Omit<D, 'status'>;
}

type RunMove = MoveOptions<RunStatus, Prisma.MigrationRunWhereInput, Prisma.MigrationRunUncheckedUpdateManyInput>;
type StageMove = MoveOptions<StageStatus, Prisma.StageRunWhereInput, Prisma.StageRunUncheckedUpdateManyInput>;
type BatchMove = MoveOptions<BatchStatus, Prisma.BatchWhereInput, Prisma.BatchUncheckedUpdateManyInput>;

/** Moves the runs matching `which` to `to`; returns how many moved. */
export async function moveRuns(
  tx: Tx,
  which: Prisma.MigrationRunWhereInput,
  to: RunStatus,
  opts: Omit<RunMove, 'where'> = {},
): Promise<number> {
  const from = movableFrom('run', to, opts.from);
  const where = { AND: [which, { status: { in: from } }] };
  const moved = await tx.migrationRun.updateMany({ where, data: { ...opts.data, status: to } });
  if (moved.count === 0) return 0;
  const state = CONTAINER_STATE_OF_RUN[to];
  await tx.container.updateMany({
    where: { runs: { some: { AND: [which, { status: to }] } }, migrationState: { not: state } },
    data: { migrationState: state },
  });
  return moved.count;
}

/** Moves one run; false when it was not in a status that may move (or did not match `where`). */
export async function moveRun(tx: Tx, runId: string, to: RunStatus, opts: RunMove = {}): Promise<boolean> {
  return (await moveRuns(tx, { ...opts.where, id: runId }, to, opts)) === 1;
}

export async function moveStageRuns(
  tx: Tx,
  which: Prisma.StageRunWhereInput,
  to: StageStatus,
  opts: Omit<StageMove, 'where'> = {},
): Promise<number> {
  const from = movableFrom('stage', to, opts.from);
  const moved = await tx.stageRun.updateMany({
    where: { AND: [which, { status: { in: from } }] },
    data: { ...opts.data, status: to },
  });
  return moved.count;
}

export async function moveStageRun(
  tx: Tx,
  stageRunId: string,
  to: StageStatus,
  opts: StageMove = {},
): Promise<boolean> {
  return (await moveStageRuns(tx, { ...opts.where, id: stageRunId }, to, opts)) === 1;
}

export async function moveBatches(
  tx: Tx,
  which: Prisma.BatchWhereInput,
  to: BatchStatus,
  opts: Omit<BatchMove, 'where'> = {},
): Promise<number> {
  const from = movableFrom('batch', to, opts.from);
  const moved = await tx.batch.updateMany({
    where: { AND: [which, { status: { in: from } }] },
    data: { ...opts.data, status: to },
  });
  return moved.count;
}

/**
 * Holds the batch's row until the transaction ends. Whatever decides from a
 * batch's runs whether it is over (the scheduler closing it) and whatever
 * makes one of its runs active again (a Retry) take it first, so neither
 * decides from runs the other is changing.
 */
export async function lockBatch(tx: Tx, batchId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Batch" WHERE id = ${batchId}::uuid FOR UPDATE`;
}

export async function moveBatch(tx: Tx, batchId: string, to: BatchStatus, opts: BatchMove = {}): Promise<boolean> {
  return (await moveBatches(tx, { ...opts.where, id: batchId }, to, opts)) === 1;
}
