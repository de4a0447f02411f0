import { type Db, prismaOf } from '../client';
import { toJsonValue } from '../json';

export interface RunEventInput {
  runId: string;
  stageRunId?: string | null;
  at?: Date;
  level?: 'debug' | 'info' | 'warn' | 'error';
  kind?: 'event' | 'command' | 'output';
  stream?: 'stdout' | 'stderr' | null;
  message: string;
  /** kept as JSON (bigints become strings) */
  data?: Record<string, unknown>;
}

/** Appends log lines in one statement (the worker batches them). */
export async function appendRunEvents(db: Db, events: readonly RunEventInput[]): Promise<void> {
  const client = prismaOf(db);
  if (events.length === 0) return;
  await client.runEvent.createMany({
    data: events.map((e) => ({
      ...e,
      stageRunId: e.stageRunId ?? null,
      stream: e.stream ?? null,
      data: e.data === undefined ? undefined : toJsonValue(e.data),
    })),
  });
}

/** The newest `limit` events of a run, oldest first; `afterId` for live tails. */
export async function runEventTail(db: Db, runId: string, opts: { limit?: number; afterId?: bigint } = {}) {
  const client = prismaOf(db);
  const rows = await client.runEvent.findMany({
    where: { runId, ...(opts.afterId !== undefined && { id: { gt: opts.afterId } }) },
    orderBy: { id: 'desc' },
    take: opts.limit ?? 200,
  });
  return rows.reverse();
}
