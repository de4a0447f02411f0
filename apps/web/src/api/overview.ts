// The landing pages: what runs where now (the engineer's), where the whole
// migration stands (the manager's), and why the inventory is still empty.
import { z } from 'zod';
import { bigintText, isoDate } from './wire';

const runContainer = z.object({
  id: z.string(),
  sourceCtid: z.number().int(),
  hostname: z.string().nullable(),
  sourceHost: z.object({ id: z.string(), name: z.string() }),
});
const batchRef = z.object({ id: z.string(), name: z.string() });

export const operationsOverviewSchema = z.object({
  now: isoDate,
  /** syncBytesPerMinute is averaged over this many minutes before now */
  throughputWindowMinutes: z.number().int(),
  boxes: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.string(),
      /** it heartbeats and the scheduler gives it runs */
      online: z.boolean(),
      freeDiskBytes: bigintText,
      totalDiskBytes: bigintText,
      lastHeartbeatAt: isoDate,
      maxConcurrentRuns: z.number().int(),
      /** bytes rsync copied per minute, from the sync stages' progress */
      syncBytesPerMinute: z.number(),
      runsFinishedLastHour: z.number().int(),
    }),
  ),
  hosts: z.array(z.object({ id: z.string(), name: z.string(), maxConcurrentMigrations: z.number().int() })),
  /** running, waiting (for a window) or rolling back */
  activeRuns: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      currentStage: z.string().nullable(),
      progressPercent: z.number().nullable(),
      container: runContainer,
      batch: batchRef,
      box: z.object({ id: z.string(), name: z.string() }).nullable(),
      startedAt: isoDate.nullable(),
      downtimeStartedAt: isoDate.nullable(),
      downtimeEndedAt: isoDate.nullable(),
    }),
  ),
  /** waiting for a converter box */
  queuedRuns: z.number().int(),
  failed: z.object({
    count: z.number().int(),
    newest: z.array(
      z.object({
        id: z.string(),
        failedStage: z.string().nullable(),
        error: z.string().nullable(),
        finishedAt: isoDate.nullable(),
        container: runContainer,
        batch: batchRef,
      }),
    ),
  }),
  /** runs in await_cutover, the soonest window first */
  nextWindows: z.array(
    z.object({
      id: z.string(),
      plannedWindowStart: isoDate.nullable(),
      plannedWindowEnd: isoDate.nullable(),
      container: runContainer.extend({
        downtimeWindow: z.string().nullable(),
        customer: z.object({ name: z.string(), timezone: z.string() }).nullable(),
      }),
    }),
  ),
});
export type OperationsOverview = z.output<typeof operationsOverviewSchema>;
export type OverviewBox = OperationsOverview['boxes'][number];
export type OverviewRun = OperationsOverview['activeRuns'][number];

export const migrationProgressSchema = z.object({
  done: z.number().int(),
  inProgress: z.number().int(),
  failed: z.number().int(),
  left: z.number().int(),
  total: z.number().int(),
});
export type MigrationProgress = z.output<typeof migrationProgressSchema>;

export const inventoryStateSchema = z.object({
  /** containers still on their hosts */
  containers: z.number().int(),
  hosts: z.array(
    z.object({
      name: z.string(),
      hostKeyState: z.string(),
      /** requestedBy "seed": the demo's own import */
      lastImport: z.object({ status: z.string(), requestedBy: z.string().nullable() }).nullable(),
      /** an import of it ever finished */
      imported: z.boolean(),
    }),
  ),
});
export type InventoryState = z.output<typeof inventoryStateSchema>;
