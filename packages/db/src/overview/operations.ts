// The engineer's landing page: what runs now on each converter box and from
// each source hypervisor, how fast the boxes copy, which runs failed and wait
// for an engineer, and the next downtime windows. Read-only, polled.
import { migrationProgress, syncBytesPerMinute, type MigrationState } from '@vzferry/core';
import { z } from 'zod';
import { type Db, prismaOf } from '../client';
import { BOX_OFFLINE_AFTER_MS } from '../runs/scheduling';

/** The throughput is averaged over this many minutes before now. */
export const THROUGHPUT_WINDOW_MINUTES = 15;
const FAILED_SHOWN = 5;
const WINDOWS_SHOWN = 10;

const ACTIVE = ['running', 'waiting', 'rolling_back'] as const;

const runContainer = {
  select: { id: true, sourceCtid: true, hostname: true, sourceHost: { select: { id: true, name: true } } },
} as const;

export async function getOperationsOverview(db: Db, now: Date = new Date()) {
  const client = prismaOf(db);
  const windowStart = new Date(now.getTime() - THROUGHPUT_WINDOW_MINUTES * 60_000);
  const hourAgo = new Date(now.getTime() - 3_600_000);
  const [boxes, hosts, active, queued, syncs, finished, failedCount, failed, windows] = await Promise.all([
    client.converterBox.findMany({ orderBy: { name: 'asc' } }),
    client.sourceHost.findMany({
      orderBy: { name: 'asc' },
      select: { id: true, name: true, maxConcurrentMigrations: true },
    }),
    client.migrationRun.findMany({
      where: { status: { in: [...ACTIVE] } },
      orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
      include: {
        container: runContainer,
        batch: { select: { id: true, name: true } },
        stageRuns: { orderBy: [{ queuedAt: 'desc' }], take: 1, select: { progressPercent: true } },
      },
    }),
    client.migrationRun.count({ where: { status: 'queued' } }),
    client.stageRun.findMany({
      where: {
        stage: { in: ['initial_sync', 'final_sync'] },
        converterBoxId: { not: null },
        startedAt: { not: null, lte: now },
        OR: [{ finishedAt: null }, { finishedAt: { gte: windowStart } }],
      },
      select: {
        converterBoxId: true,
        startedAt: true,
        finishedAt: true,
        heartbeatAt: true,
        bytesDone: true,
        result: true,
      },
    }),
    client.migrationRun.groupBy({
      by: ['converterBoxId'],
      where: { status: 'succeeded', finishedAt: { gte: hourAgo } },
      _count: true,
    }),
    client.migrationRun.count({ where: { status: 'failed' } }),
    client.migrationRun.findMany({
      where: { status: 'failed' },
      orderBy: [{ finishedAt: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }],
      take: FAILED_SHOWN,
      include: { container: runContainer, batch: { select: { id: true, name: true } } },
    }),
    client.migrationRun.findMany({
      where: { status: 'waiting', currentStage: 'await_cutover', plannedWindowStart: { not: null } },
      orderBy: [{ plannedWindowStart: 'asc' }, { id: 'asc' }],
      take: WINDOWS_SHOWN,
      include: {
        container: {
          select: {
            ...runContainer.select,
            downtimeWindow: true,
            customer: { select: { name: true, timezone: true } },
          },
        },
      },
    }),
  ]);
  const boxName = new Map(boxes.map((b) => [b.id, b.name]));
  return {
    now,
    throughputWindowMinutes: THROUGHPUT_WINDOW_MINUTES,
    boxes: boxes.map((b) => ({
      id: b.id,
      name: b.name,
      status: b.status,
      online: b.status === 'online' && now.getTime() - b.lastHeartbeatAt.getTime() < BOX_OFFLINE_AFTER_MS,
      freeDiskBytes: b.freeDiskBytes,
      totalDiskBytes: b.totalDiskBytes,
      lastHeartbeatAt: b.lastHeartbeatAt,
      maxConcurrentRuns: b.maxConcurrentRuns,
      syncBytesPerMinute: Math.round(
        syncBytesPerMinute(
          syncs.filter((s) => s.converterBoxId === b.id).map((s) => ({ ...s, bytesDone: bytesCopied(s) })),
          windowStart,
          now,
        ),
      ),
      runsFinishedLastHour: finished.find((f) => f.converterBoxId === b.id)?._count ?? 0,
    })),
    hosts,
    activeRuns: active.map((r) => ({
      id: r.id,
      status: r.status,
      currentStage: r.currentStage,
      progressPercent: r.stageRuns[0]?.progressPercent ?? null,
      container: r.container,
      batch: r.batch,
      box: r.converterBoxId ? { id: r.converterBoxId, name: boxName.get(r.converterBoxId) ?? '?' } : null,
      startedAt: r.startedAt,
      downtimeStartedAt: r.downtimeStartedAt,
      downtimeEndedAt: r.downtimeEndedAt,
    })),
    queuedRuns: queued,
    failed: {
      count: failedCount,
      newest: failed.map((r) => ({
        id: r.id,
        failedStage: r.failedStage,
        error: r.error,
        finishedAt: r.finishedAt,
        container: r.container,
        batch: r.batch,
      })),
    },
    nextWindows: windows.map((r) => ({
      id: r.id,
      plannedWindowStart: r.plannedWindowStart,
      plannedWindowEnd: r.plannedWindowEnd,
      container: r.container,
    })),
  };
}

// a finished sync's own count (rsync's statistics, rsync-pass.ts); a quick one never wrote progress
const syncResultSchema = z.object({ bytesSent: z.string().regex(/^\d+$/) });

/** What a sync copied: its final statistics once it finished, else its last progress. */
function bytesCopied(s: { bytesDone: bigint | null; result: unknown }): bigint | null {
  const result = syncResultSchema.safeParse(s.result);
  return result.success ? BigInt(result.data.bytesSent) : s.bytesDone;
}

export type OperationsOverview = Awaited<ReturnType<typeof getOperationsOverview>>;

/** Done, in progress, failed and left: every container that is still on its host or was migrated from it. */
export async function getMigrationProgress(db: Db) {
  const rows = await prismaOf(db).container.groupBy({
    by: ['migrationState'],
    // a container the customer deleted before it moved does not need moving
    where: { OR: [{ vanishedAt: null }, { migrationState: 'migrated' }] },
    _count: true,
  });
  return migrationProgress(
    Object.fromEntries(rows.map((r) => [r.migrationState, r._count])) as Partial<Record<MigrationState, number>>,
  );
}

/**
 * Whether the inventory is there yet, and if not why: the source hosts, the
 * key state of each and its latest import (who asked for it: "seed" is the
 * demo), and whether any import ever finished.
 */
export async function getInventoryState(db: Db) {
  const client = prismaOf(db);
  const [containers, hosts] = await Promise.all([
    client.container.count({ where: { vanishedAt: null } }),
    client.sourceHost.findMany({
      orderBy: { name: 'asc' },
      select: {
        name: true,
        hostKeyState: true,
        imports: { orderBy: { queuedAt: 'desc' }, take: 1, select: { status: true, requestedBy: true } },
        _count: { select: { imports: { where: { status: 'succeeded' } } } },
      },
    }),
  ]);
  return {
    containers,
    hosts: hosts.map((h) => ({
      name: h.name,
      hostKeyState: h.hostKeyState,
      lastImport: h.imports[0] ?? null,
      imported: h._count.imports > 0,
    })),
  };
}

export type InventoryState = Awaited<ReturnType<typeof getInventoryState>>;
