// The InventoryImport row: the web app creates it (queued) and enqueues the
// job; the worker moves it running -> succeeded | failed and reports
// progress, so the hosts page reads the import's state from PostgreSQL.
import { NotFoundError } from '@vzferry/core';
import type { Db } from '../client';

export async function createInventoryImport(db: Db, hostId: string, requestedBy: string | null) {
  const host = await db.sourceHost.findUnique({ where: { id: hostId }, select: { id: true } });
  if (!host) throw new NotFoundError('source host', hostId);
  return db.inventoryImport.create({ data: { sourceHostId: hostId, status: 'queued', requestedBy } });
}

/** Marks the import running; returns false when it already finished (a redelivered job). */
export async function startInventoryImport(db: Db, importId: string, now: Date = new Date()): Promise<boolean> {
  const res = await db.inventoryImport.updateMany({
    where: { id: importId, status: { in: ['queued', 'running', 'idle'] } },
    data: { status: 'running', startedAt: now, progressPercent: 0, error: null, message: 'connecting' },
  });
  return res.count === 1;
}

export async function reportInventoryProgress(db: Db, importId: string, percent: number, message: string): Promise<void> {
  await db.inventoryImport.updateMany({
    where: { id: importId, status: 'running' },
    data: { progressPercent: Math.max(0, Math.min(100, percent)), message: message.slice(0, 500) },
  });
}

/** The import failed: the reason goes on the import row and on the host. */
export async function failInventoryImport(db: Db, importId: string, error: string, now: Date = new Date()): Promise<void> {
  const row = await db.inventoryImport.findUnique({ where: { id: importId }, select: { sourceHostId: true } });
  if (!row) throw new NotFoundError('inventory import', importId);
  const text = error.slice(0, 4000);
  await db.$transaction([
    db.inventoryImport.update({ where: { id: importId }, data: { status: 'failed', error: text, finishedAt: now, message: 'failed' } }),
    db.sourceHost.update({ where: { id: row.sourceHostId }, data: { lastError: text } }),
  ]);
}
