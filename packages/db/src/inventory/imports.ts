// The InventoryImport row: the web app creates it (queued) and enqueues the
// job; the worker moves it running -> succeeded | failed and reports
// progress, so the hosts page reads the import's state from PostgreSQL.
import { NotFoundError } from '@vzferry/core';
import { type Db, prismaOf } from '../client';

export async function createInventoryImport(db: Db, hostId: string, requestedBy: string | null) {
  const client = prismaOf(db);
  const host = await client.sourceHost.findUnique({ where: { id: hostId }, select: { id: true } });
  if (!host) throw new NotFoundError('source host', hostId);
  return client.inventoryImport.create({ data: { sourceHostId: hostId, status: 'queued', requestedBy } });
}

/** Marks the import running; returns false when it already finished (a redelivered job). */
export async function startInventoryImport(db: Db, importId: string, now: Date = new Date()): Promise<boolean> {
  const client = prismaOf(db);
  const res = await client.inventoryImport.updateMany({
    where: { id: importId, status: { in: ['queued', 'running', 'idle'] } },
    data: { status: 'running', startedAt: now, progressPercent: 0, error: null, message: 'connecting' },
  });
  return res.count === 1;
}

export async function reportInventoryProgress(
  db: Db,
  importId: string,
  percent: number,
  message: string,
): Promise<void> {
  const client = prismaOf(db);
  await client.inventoryImport.updateMany({
    where: { id: importId, status: 'running' },
    data: { progressPercent: Math.max(0, Math.min(100, percent)), message: message.slice(0, 500) },
  });
}

/** The import failed: the reason goes on the import row and on the host. */
export async function failInventoryImport(
  db: Db,
  importId: string,
  error: string,
  now: Date = new Date(),
): Promise<void> {
  const client = prismaOf(db);
  const row = await client.inventoryImport.findUnique({ where: { id: importId }, select: { sourceHostId: true } });
  if (!row) throw new NotFoundError('inventory import', importId);
  const text = error.slice(0, 4000);
  await client.$transaction([
    client.inventoryImport.update({
      where: { id: importId },
      data: { status: 'failed', error: text, finishedAt: now, message: 'failed' },
    }),
    client.sourceHost.update({ where: { id: row.sourceHostId }, data: { lastError: text } }),
  ]);
}

/** An import with its host's name, as a seed or a test follows it to its end. */
export async function getInventoryImport(db: Db, importId: string) {
  return prismaOf(db).inventoryImport.findUniqueOrThrow({
    where: { id: importId },
    include: { sourceHost: { select: { name: true } } },
  });
}
