// Where a customer's container is, in words the customer understands: what
// support reads out on the phone and what the customer page shows. Computed
// from the container, its latest run and that run's batch, with times in the
// customer's time zone. Stage ids stay as they are (support and engineers
// share them); everything else is plain English.
import { errorSpec } from '../error-codes';
import { nextWindow, parseDowntimeWindow } from '../downtime-window';
import type { BatchStatus, RunStatus } from '../pipeline/states';
import { type CutoverPath, stageOrder, type Stage } from '../stages';
import {
  formatClockOrDateTime,
  formatDateTimeIn,
  formatDayTime,
  formatDuration,
  formatWindow,
  knownZone,
} from './zoned-time';

/** What the state needs to know of a migration run. */
export interface RunFacts {
  status: RunStatus;
  currentStage: Stage | null;
  failedStage: Stage | null;
  errorCode: string | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** the downtime window await_cutover chose */
  plannedWindowStart: Date | null;
  plannedWindowEnd: Date | null;
  downtimeStartedAt: Date | null;
  downtimeEndedAt: Date | null;
  cloudstackVmName: string | null;
  /** names of the CloudStack networks the VM's NICs are on */
  vmNetworks: string[];
  batch: { name: string; status: BatchStatus; startAt: Date | null };
  /** the run's order (classic when not given) */
  cutoverPath?: CutoverPath;
}

export interface ContainerFacts {
  /** the customer's preferred window, e.g. "Sat 02:00-05:00" (downtime-window.ts) */
  downtimeWindow: string | null;
  /** when an import no longer found it on its host */
  vanishedAt: Date | null;
}

export interface StateInput {
  container: ContainerFacts;
  /** the container's latest run, or null when it was never in a batch */
  run: RunFacts | null;
  /** the customer's IANA zone; UTC for a container without a customer */
  timeZone: string;
  now: Date;
}

export type ContainerStateKind =
  | 'not_planned'
  | 'planned'
  | 'scheduled'
  | 'queued'
  | 'on_hold'
  | 'in_progress'
  | 'rolling_back'
  | 'migrated'
  | 'failed'
  | 'vanished';

export interface ContainerState {
  kind: ContainerStateKind;
  /** one sentence, times in the customer's zone */
  text: string;
}

/** When the switch-over (the downtime) is expected: a window, or only the batch's start when no window is agreed. */
export interface SwitchOverPlan {
  start: Date;
  /** null: no window agreed, the switch-over follows the copy */
  end: Date | null;
}

/** A run that has not begun its downtime yet and may still: the switch-over lies ahead. */
function awaitsSwitchOver(run: RunFacts): boolean {
  if (!['queued', 'running', 'waiting'].includes(run.status) || run.downtimeStartedAt) return false;
  const order = stageOrder(run.cutoverPath);
  return run.currentStage === null || order.indexOf(run.currentStage) < order.indexOf('stop_source');
}

/**
 * The expected switch-over of a run that is still ahead of it: the window
 * await_cutover chose, else the container's next window after the batch
 * starts, else the start of a batch scheduled for later.
 */
export function plannedSwitchOver(input: StateInput): SwitchOverPlan | null {
  const { container, now } = input;
  const run = input.run && withCurrentDowntime(input.run);
  if (!run || !awaitsSwitchOver(run)) return null;
  if (run.plannedWindowStart && run.plannedWindowEnd && run.plannedWindowEnd > now)
    return { start: run.plannedWindowStart, end: run.plannedWindowEnd };
  const startAt = run.batch.startAt;
  const from = startAt && startAt > now ? startAt : now;
  if (container.downtimeWindow) {
    const window = nextWindowOf(container.downtimeWindow, knownZone(input.timeZone), from);
    if (window) return window;
  }
  if (run.batch.status === 'scheduled' && startAt && startAt > now) return { start: startAt, end: null };
  return null;
}

function nextWindowOf(text: string, timeZone: string, after: Date): SwitchOverPlan | null {
  try {
    return nextWindow(parseDowntimeWindow(text), timeZone, after);
  } catch {
    // a window that does not parse (written before the check existed) plans nothing
    return null;
  }
}

/** "Sat 5 Dec 2026, 02:00–05:00", or "Tue 1 Dec 2026 at 02:00" without a window; the caller names the zone. */
export function formatPlanTime(plan: SwitchOverPlan, timeZone: string): string {
  return plan.end ? formatWindow(plan.start, plan.end, timeZone) : formatDayTime(plan.start, timeZone);
}

/** The plan's time followed by its zone: "Sat 5 Dec 2026, 02:00–05:00 Europe/Berlin". */
export function formatPlan(plan: SwitchOverPlan, timeZone: string): string {
  const zone = knownZone(timeZone);
  return `${formatPlanTime(plan, zone)} ${zone}`;
}

type Downtime = Pick<RunFacts, 'downtimeStartedAt' | 'downtimeEndedAt'>;

/**
 * The run with the end of its current downtime only: a Retry after a
 * rollback stops the container again and writes a new start, but the end
 * the rollback wrote stays behind, older than the start.
 */
export function withCurrentDowntime<R extends Downtime>(run: R): R {
  const { downtimeStartedAt: start, downtimeEndedAt: end } = run;
  return start && end && end < start ? { ...run, downtimeEndedAt: null } : run;
}

export function downtimeMs(run: Downtime): number | null {
  if (!run.downtimeStartedAt || !run.downtimeEndedAt) return null;
  return run.downtimeEndedAt.getTime() - run.downtimeStartedAt.getTime();
}

/** The container's state in one sentence. */
export function describeContainerState(input: StateInput): ContainerState {
  const { container } = input;
  const run = input.run && withCurrentDowntime(input.run);
  const zone = knownZone(input.timeZone);
  if (!run || run.status === 'cancelled') {
    if (container.vanishedAt)
      return {
        kind: 'vanished',
        text: `Not migrated; no longer found on its old server by the import on ${formatDateTimeIn(container.vanishedAt, zone)}`,
      };
    if (run)
      return {
        kind: 'not_planned',
        text: `Not planned: its migration in batch ${run.batch.name} was cancelled${run.finishedAt ? ` on ${formatDateTimeIn(run.finishedAt, zone)}` : ''}; it runs on the old server`,
      };
    return { kind: 'not_planned', text: 'Not planned yet' };
  }
  switch (run.status) {
    case 'succeeded':
      return { kind: 'migrated', text: migratedText(run, zone) };
    case 'failed':
      return { kind: 'failed', text: failedText(run, zone) };
    case 'rolling_back':
      return {
        kind: 'rolling_back',
        text: `Problem at ${run.failedStage ?? run.currentStage ?? 'the switch-over'}: being started again on the old server${run.downtimeStartedAt ? ` (offline since ${formatClockOrDateTime(run.downtimeStartedAt, zone, input.now)})` : ''}`,
      };
    case 'pending':
      return { kind: 'planned', text: `Planned in batch ${run.batch.name}; no date set yet` };
    default:
      return activeState({ ...input, run, timeZone: zone }, run);
  }
}

function migratedText(run: RunFacts, zone: string): string {
  const at = run.downtimeEndedAt ?? run.finishedAt;
  const down = downtimeMs(run);
  let text = `Migrated${at ? ` on ${formatDateTimeIn(at, zone)}` : ''}`;
  if (down !== null) text += `, ${formatDuration(down)} of downtime`;
  if (run.cloudstackVmName) {
    text += `; now VM ${run.cloudstackVmName}`;
    if (run.vmNetworks.length) text += ` on network ${run.vmNetworks.join(', ')}`;
  }
  return text;
}

function failedText(run: RunFacts, zone: string): string {
  const stage = run.failedStage ?? run.currentStage ?? 'a stage';
  const at = run.finishedAt;
  const text = `Failed at ${stage}${at ? ` on ${formatDateTimeIn(at, zone)}` : ''}`;
  if (!run.downtimeStartedAt) return `${text}; it never went offline and runs on the old server`;
  if (!run.downtimeEndedAt) return `${text}; being started again on the old server`;
  const since = at ? formatClockOrDateTime(run.downtimeEndedAt, zone, at) : formatDateTimeIn(run.downtimeEndedAt, zone);
  return `${text}; back online on the old server since ${since}`;
}

/** queued, running or waiting */
function activeState(input: StateInput, run: RunFacts): ContainerState {
  const zone = input.timeZone;
  const stage = run.currentStage;
  if (run.downtimeStartedAt && !run.downtimeEndedAt)
    return {
      kind: 'in_progress',
      text: `In progress: ${stage ?? 'switch-over'}; offline for the switch-over since ${formatClockOrDateTime(run.downtimeStartedAt, zone, input.now)}`,
    };
  if (run.downtimeStartedAt && run.downtimeEndedAt) {
    const down = downtimeMs(run)!;
    return {
      kind: 'in_progress',
      text: `In progress: ${stage ?? 'cleanup'}; online again${run.cloudstackVmName ? ` as VM ${run.cloudstackVmName}` : ''} since ${formatClockOrDateTime(run.downtimeEndedAt, zone, input.now)}, after ${formatDuration(down)} of downtime`,
    };
  }
  if (run.batch.status === 'paused')
    return { kind: 'on_hold', text: `On hold: batch ${run.batch.name} is paused; it runs on the old server` };
  const plan = plannedSwitchOver(input);
  const batch = `batch ${run.batch.name}`;
  if (run.status === 'queued' || stage === 'await_cutover') {
    if (plan?.end) return { kind: 'scheduled', text: `Scheduled for ${formatPlan(plan, zone)} (${batch})` };
    if (plan)
      return {
        kind: 'scheduled',
        text: `Scheduled: ${batch} starts ${formatPlan(plan, zone)}; no downtime window agreed, so the switch-over follows the copy`,
      };
    if (run.status === 'queued')
      return {
        kind: 'queued',
        text: `Queued in ${batch}: the copy starts when a converter is free; no downtime window agreed, so the switch-over follows the copy`,
      };
  }
  const ahead = plan?.end ? `; switch-over scheduled for ${formatPlan(plan, zone)}` : '';
  return {
    kind: 'in_progress',
    text: `In progress: ${stage ?? 'starting'}; still online on the old server${ahead || ' (no downtime yet)'}`,
  };
}

/** Why a run failed: the catalogue's sentence for its code, and the run's own message when it says more. */
export function failureInWords(
  errorCode: string | null,
  error: string | null,
): { summary: string; detail: string | null } {
  const summary = errorSpec(errorCode ?? 'failed').message;
  const detail = error && error.trim() !== summary ? error.trim() : null;
  return { summary, detail };
}
