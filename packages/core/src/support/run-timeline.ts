// One migration run as a line of a container's history: which batch, when,
// how far it got, how long the container was offline and, for a failure,
// why in words. Times in the customer's zone.
import { stageOrder, type Stage } from '../stages';
import { downtimeMs, failureInWords, type RunFacts, withCurrentDowntime } from './container-state';
import { formatClockOrDateTime, formatDateTimeIn, formatDuration, knownZone } from './zoned-time';

export interface RunTimelineEntry {
  batch: string;
  /** "Migrated", "Failed at register_template", "In progress: final_sync", … */
  outcome: string;
  /** when the run began its work (or was planned, before it began) */
  started: string;
  ended: string | null;
  /** "register_template (13 of 16)", or null before the first stage */
  stageReached: string | null;
  /** "02:03–02:14 (11 min)", "since 02:03", or null: never offline */
  downtime: string | null;
  failure: { summary: string; detail: string | null } | null;
}

export function runTimelineEntry(facts: RunFacts, timeZone: string, now: Date): RunTimelineEntry {
  const run = withCurrentDowntime(facts);
  const zone = knownZone(timeZone);
  const stage = stageReached(run);
  return {
    batch: run.batch.name,
    outcome: outcome(run),
    started: run.startedAt
      ? formatDateTimeIn(run.startedAt, zone)
      : `planned on ${formatDateTimeIn(run.createdAt, zone)}`,
    ended: run.finishedAt ? formatDateTimeIn(run.finishedAt, zone) : null,
    stageReached: stage
      ? `${stage} (${stageOrder(run.cutoverPath).indexOf(stage) + 1} of ${stageOrder(run.cutoverPath).length})`
      : null,
    downtime: downtimeText(run, zone, now),
    failure: run.status === 'failed' || run.status === 'rolling_back' ? failureInWords(run.errorCode, run.error) : null,
  };
}

function stageReached(run: RunFacts): Stage | null {
  if (run.status === 'succeeded') return 'cleanup';
  return run.failedStage ?? run.currentStage;
}

function outcome(run: RunFacts): string {
  const stage = stageReached(run);
  switch (run.status) {
    case 'succeeded':
      return 'Migrated';
    case 'failed':
      return `Failed at ${stage ?? 'a stage'}`;
    case 'rolling_back':
      return `Rolling back after a problem at ${stage ?? 'a stage'}`;
    case 'cancelled':
      return 'Cancelled';
    case 'pending':
      return 'Planned (batch not started)';
    case 'queued':
      return 'Queued';
    default:
      return `In progress: ${stage ?? 'starting'}`;
  }
}

function downtimeText(run: RunFacts, zone: string, now: Date): string | null {
  if (!run.downtimeStartedAt) return null;
  if (!run.downtimeEndedAt) {
    const since = formatClockOrDateTime(run.downtimeStartedAt, zone, now);
    return `since ${since} (${formatDuration(now.getTime() - run.downtimeStartedAt.getTime())} so far)`;
  }
  const end = formatClockOrDateTime(run.downtimeEndedAt, zone, run.downtimeStartedAt);
  return `${formatDateTimeIn(run.downtimeStartedAt, zone)}–${end} (${formatDuration(downtimeMs(run)!)})`;
}
