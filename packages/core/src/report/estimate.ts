// When the migration will be done at the pace it goes now: the containers
// left, divided by the containers migrated per day over the last days (7 by
// default, fewer if the migration began more recently, never less than one
// day so that a quick first hour does not promise a week's work by
// tomorrow). No container migrated in that window: not enough data.

const MS_PER_DAY = 86_400_000;

export const ESTIMATE_WINDOW_DAYS = 7;

export type CompletionEstimate =
  | { kind: 'done'; remaining: 0 }
  | { kind: 'not_enough_data'; remaining: number; windowDays: number; reason: string }
  | {
      kind: 'estimated';
      remaining: number;
      /** containers migrated per day over the window */
      ratePerDay: number;
      /** the days the rate is measured over */
      windowDays: number;
      /** containers migrated in the window */
      migratedInWindow: number;
      estimatedAt: Date;
    };

export interface EstimateInput {
  now: Date;
  /** containers not migrated yet (in progress, failed and not started) */
  remaining: number;
  /** containers migrated within the window before now */
  migratedInWindow: number;
  /** when the first run of the migration started; null if none has */
  firstStartedAt: Date | null;
  windowDays?: number;
}

export function estimateCompletion(input: EstimateInput): CompletionEstimate {
  const window = input.windowDays ?? ESTIMATE_WINDOW_DAYS;
  if (input.remaining <= 0) return { kind: 'done', remaining: 0 };
  if (input.firstStartedAt === null || input.migratedInWindow <= 0) {
    return {
      kind: 'not_enough_data',
      remaining: input.remaining,
      windowDays: window,
      reason:
        input.firstStartedAt === null
          ? 'no migration has started yet'
          : `no container was migrated in the last ${window} days`,
    };
  }
  const sinceStart = (input.now.getTime() - input.firstStartedAt.getTime()) / MS_PER_DAY;
  const windowDays = Math.min(window, Math.max(1, sinceStart));
  const ratePerDay = input.migratedInWindow / windowDays;
  return {
    kind: 'estimated',
    remaining: input.remaining,
    ratePerDay,
    windowDays,
    migratedInWindow: input.migratedInWindow,
    estimatedAt: new Date(input.now.getTime() + (input.remaining / ratePerDay) * MS_PER_DAY),
  };
}
