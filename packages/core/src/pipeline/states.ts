// The state machines of a migration: the run, each stage attempt and the
// batch. Every status a row may take and every move between two of them is
// in these tables, each move with the reason it happens; packages/db moves a
// row only through them (runs/transitions.ts), so a move that is not here
// cannot happen, not even in a race. docs/architecture.md draws them.

export const RUN_STATUSES = [
  'pending',
  'queued',
  'running',
  'waiting',
  'rolling_back',
  'failed',
  'cancelled',
  'succeeded',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const STAGE_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

export const BATCH_STATUSES = [
  'draft',
  'scheduled',
  'running',
  'paused',
  'completed',
  'completed_with_failures',
  'cancelled',
] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

type Table<S extends string> = Record<S, Partial<Record<S, string>>>;

export const RUN_TRANSITIONS = {
  pending: {
    queued: 'its batch starts',
    cancelled: 'an engineer cancels it before its batch starts',
  },
  queued: {
    running: 'the scheduler gives it to a converter box',
    cancelled: 'an engineer cancels it while it waits for capacity',
  },
  running: {
    running: 'a stage attempt is claimed, or the next stage begins',
    waiting: 'a stage waits without holding a worker (downtime window, download slot)',
    succeeded: 'cleanup, the last stage, succeeded',
    failed: 'a stage before the downtime failed for good',
    rolling_back: 'a stage during the downtime failed, or its converter box went silent then',
    queued: 'its converter box went silent before the downtime: another box takes it',
    cancelled: "the cancel job finished its box's clean-up",
  },
  waiting: {
    running: 'the wait is over and the stage is claimed again',
    rolling_back: 'its converter box went silent during the downtime',
    queued: 'its converter box went silent before the downtime: another box takes it',
    cancelled: "the cancel job finished its box's clean-up",
  },
  rolling_back: {
    rolling_back: 'another converter box takes the rollback over from a silent one',
    failed: 'the source container runs again: the run failed and keeps its work disk',
    cancelled: "the cancel job finished its box's clean-up",
  },
  failed: {
    queued: 'an engineer retries a run that failed in preflight: the scheduler places it again',
    running: 'an engineer retries: from the failed stage, or from stop_source after a rollback',
    cancelled: 'an engineer cancels a failed run (its box cleans up)',
  },
  succeeded: {},
  cancelled: {},
} as const satisfies Table<RunStatus>;

export const STAGE_TRANSITIONS = {
  pending: {
    running: 'a worker claims the attempt',
    cancelled: 'the run is cancelled',
    failed: 'the converter box that held the run was lost',
  },
  running: {
    running: "another worker takes the attempt over after its worker's lease ran out",
    pending: 'the stage waits and comes back at a given time',
    succeeded: 'the stage succeeded',
    failed: 'the stage failed, or the converter box that held it was lost',
    cancelled: 'the run is cancelled',
  },
  succeeded: {},
  failed: {},
  skipped: {},
  cancelled: {},
} as const satisfies Table<StageStatus>;

export const BATCH_TRANSITIONS = {
  draft: {
    scheduled: 'an engineer starts it with a later start time',
    running: 'an engineer starts it now',
  },
  scheduled: {
    running: 'its start time came',
    paused: 'an engineer pauses it before it starts',
  },
  running: {
    paused: 'an engineer pauses it: running stages finish, nothing new starts',
    completed: 'every run of it ended, none failed',
    completed_with_failures: 'every run of it ended, and at least one failed',
  },
  paused: {
    running: 'an engineer resumes it',
  },
  completed: {
    // the scheduler takes queued runs of running batches only: a retried run
    // of a completed batch would wait for ever
    running: 'an engineer retries one of its failed runs',
  },
  completed_with_failures: {
    running: 'an engineer retries one of its failed runs',
  },
  cancelled: {},
} as const satisfies Table<BatchStatus>;

export type Machine = 'run' | 'stage' | 'batch';
type StatusOf<M extends Machine> = { run: RunStatus; stage: StageStatus; batch: BatchStatus }[M];

const TABLES: { [M in Machine]: Table<StatusOf<M>> } = {
  run: RUN_TRANSITIONS,
  stage: STAGE_TRANSITIONS,
  batch: BATCH_TRANSITIONS,
};
const STATUSES: { [M in Machine]: readonly StatusOf<M>[] } = {
  run: RUN_STATUSES,
  stage: STAGE_STATUSES,
  batch: BATCH_STATUSES,
};

/** Whether the table allows a row of `machine` in `from` to move to `to`. */
export function canMove<M extends Machine>(machine: M, from: StatusOf<M>, to: StatusOf<M>): boolean {
  const row: Partial<Record<string, string>> = TABLES[machine][from];
  return Object.hasOwn(row, to);
}

/** Why the table allows the move (for log lines), or null when it does not. */
export function moveReason<M extends Machine>(machine: M, from: StatusOf<M>, to: StatusOf<M>): string | null {
  const row: Partial<Record<string, string>> = TABLES[machine][from];
  return row[to] ?? null;
}

/**
 * The statuses from which a row may move to `to`, narrowed to `only` when
 * given. Naming a status in `only` that may not move to `to` is a bug in the
 * caller, so it throws.
 */
export function movableFrom<M extends Machine>(
  machine: M,
  to: StatusOf<M>,
  only?: readonly StatusOf<M>[],
): StatusOf<M>[] {
  const all = STATUSES[machine].filter((from) => canMove(machine, from, to));
  if (!only) return all;
  const wrong = only.filter((from) => !all.includes(from));
  if (wrong.length) throw new Error(`the ${machine} state machine has no move from ${wrong.join(', ')} to ${to}`);
  return [...only];
}

/** The statuses a row never leaves. */
export function isFinal<M extends Machine>(machine: M, status: StatusOf<M>): boolean {
  return Object.keys(TABLES[machine][status]).length === 0;
}

/** A run's statuses while its container is still being migrated (it may not join another batch). */
export const ACTIVE_RUN_STATUSES = [
  'pending',
  'queued',
  'running',
  'waiting',
  'rolling_back',
] as const satisfies readonly RunStatus[];

/** What the containers list says about a container whose latest run is in this status. */
export const CONTAINER_STATE_OF_RUN = {
  pending: 'queued',
  queued: 'queued',
  running: 'migrating',
  waiting: 'migrating',
  rolling_back: 'migrating',
  failed: 'failed',
  cancelled: 'cancelled',
  succeeded: 'migrated',
} as const satisfies Record<RunStatus, string>;
