// Converter boxes register themselves by name and heartbeat; the scheduler
// only gives runs to boxes that heartbeat.
import type { Db } from '../client';

export interface BoxRegistration {
  name: string;
  workDir: string;
  freeDiskBytes: bigint;
  totalDiskBytes: bigint;
  cores: number;
  maxConcurrentRuns: number;
  templateServerUrl: string | null;
  version: string;
}

export async function registerConverterBox(db: Db, reg: BoxRegistration, now: Date = new Date()) {
  return db.converterBox.upsert({
    where: { name: reg.name },
    create: { ...reg, status: 'online', startedAt: now, lastHeartbeatAt: now },
    update: { ...reg, status: 'online', startedAt: now, lastHeartbeatAt: now },
  });
}

export async function heartbeatConverterBox(db: Db, id: string, freeDiskBytes: bigint, now: Date = new Date()) {
  await db.converterBox.update({ where: { id }, data: { freeDiskBytes, lastHeartbeatAt: now } });
}

export async function markConverterBoxOffline(db: Db, id: string) {
  await db.converterBox.update({ where: { id }, data: { status: 'offline' } });
}

export async function recordWorkDiskUsage(db: Db, runId: string, bytes: bigint) {
  await db.migrationRun.update({ where: { id: runId }, data: { workDiskUsedBytes: bytes } });
}
