// What the landing pages count: how fast the syncs copy, where the whole
// migration stands. Pure: packages/db hands in rows, the web shows the answer.
import type { CONTAINER_STATE_OF_RUN } from './states';

/** A sync stage attempt (initial_sync, final_sync) as its heartbeats left it. */
export interface SyncProgress {
  startedAt: Date | null;
  /** null while it runs */
  finishedAt: Date | null;
  /** when its progress was last written */
  heartbeatAt: Date | null;
  /** what rsync had copied at the last progress write */
  bytesDone: bigint | null;
}

/**
 * Bytes per minute the syncs copied between `from` and `to`. rsync reports
 * only a running total, so each attempt's bytes are spread evenly over the
 * time it ran (start to finish, or to its last progress write) and the
 * window gets its share.
 */
export function syncBytesPerMinute(syncs: readonly SyncProgress[], from: Date, to: Date): number {
  const windowMs = to.getTime() - from.getTime();
  if (windowMs <= 0) return 0;
  let bytes = 0;
  for (const s of syncs) bytes += shareInWindow(s, from.getTime(), to.getTime());
  return bytes / (windowMs / 60_000);
}

function shareInWindow(s: SyncProgress, from: number, to: number): number {
  const done = Number(s.bytesDone ?? 0n);
  const end = (s.finishedAt ?? s.heartbeatAt)?.getTime();
  if (!s.startedAt || end === undefined || done <= 0) return 0;
  const start = s.startedAt.getTime();
  // a sync that took no measurable time copied everything at that instant
  if (end <= start) return start >= from && start <= to ? done : 0;
  const overlap = Math.min(end, to) - Math.max(start, from);
  return overlap > 0 ? (done * overlap) / (end - start) : 0;
}

export type MigrationState = (typeof CONTAINER_STATE_OF_RUN)[keyof typeof CONTAINER_STATE_OF_RUN] | 'not_started';

/** Where the migration stands, as a manager reads it. */
export interface MigrationProgress {
  /** migrated: running as a VM in CloudStack */
  done: number;
  /** in a batch and on their way (queued, migrating) */
  inProgress: number;
  /** whose last run failed: they need an engineer */
  failed: number;
  /** not in any batch yet, or taken out of one (cancelled) */
  left: number;
  total: number;
}

const BUCKET: Record<MigrationState, keyof Omit<MigrationProgress, 'total'>> = {
  migrated: 'done',
  queued: 'inProgress',
  migrating: 'inProgress',
  failed: 'failed',
  not_started: 'left',
  cancelled: 'left',
};

/** The containers counted by migration state, summed into the four numbers a manager follows. */
export function migrationProgress(counts: Partial<Record<MigrationState, number>>): MigrationProgress {
  const progress: MigrationProgress = { done: 0, inProgress: 0, failed: 0, left: 0, total: 0 };
  for (const [state, n] of Object.entries(counts) as [MigrationState, number][]) {
    progress[BUCKET[state]] += n;
    progress.total += n;
  }
  return progress;
}
