// Converter boxes register themselves by name and heartbeat; the scheduler
// only gives runs to boxes that heartbeat.
import { type Db, prismaOf } from '../client';

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
  const client = prismaOf(db);
  return client.converterBox.upsert({
    where: { name: reg.name },
    create: { ...reg, status: 'online', startedAt: now, lastHeartbeatAt: now },
    update: { ...reg, status: 'online', startedAt: now, lastHeartbeatAt: now },
  });
}

export async function heartbeatConverterBox(db: Db, id: string, freeDiskBytes: bigint, now: Date = new Date()) {
  const client = prismaOf(db);
  await client.converterBox.update({ where: { id }, data: { freeDiskBytes, lastHeartbeatAt: now } });
}

export async function markConverterBoxOffline(db: Db, id: string) {
  const client = prismaOf(db);
  await client.converterBox.update({ where: { id }, data: { status: 'offline' } });
}

export async function recordWorkDiskUsage(db: Db, runId: string, bytes: bigint) {
  const client = prismaOf(db);
  await client.migrationRun.update({ where: { id: runId }, data: { workDiskUsedBytes: bytes } });
}

/** Where the converter boxes serve their templates (CloudStack's secondary storage must be allowed to download from them). */
export async function listTemplateServerUrls(db: Db): Promise<string[]> {
  const boxes = await prismaOf(db).converterBox.findMany({
    where: { templateServerUrl: { not: null } },
    select: { templateServerUrl: true },
  });
  return boxes.flatMap((b) => (b.templateServerUrl ? [b.templateServerUrl] : []));
}
