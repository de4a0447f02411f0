// The failures view: failed runs grouped by the stage they failed in and
// their error code, so an engineer fixes one cause and retries its runs
// together. Pure: packages/db reads the runs, the web shows the groups.
import { errorSpec, type ErrorKind } from '../error-codes';
import { type CutoverPath, STAGES, type Stage } from '../stages';
import { retryPlan, type RetryPlan } from './outcome';

export interface FailedRunFacts {
  failedStage: Stage;
  /** null for rows written before the catalogue: they count as `failed` */
  errorCode: string | null;
  failedAt: Date | null;
  /** the run's order (classic when not given): a Retry starts elsewhere in a staged run */
  cutoverPath?: CutoverPath;
}

export interface FailureGroup<T> {
  /** "<stage>:<code>" (":staged" after it for staged runs), stable while the cause is the same */
  key: string;
  stage: Stage;
  errorCode: string;
  /** the catalogue's sentence for the code */
  title: string;
  kind: ErrorKind;
  /** what Retry does for every run of the group (they failed in the same stage) */
  retry: RetryPlan;
  /** the most recent failure first */
  runs: T[];
}

/**
 * Shown first, in this order, whatever their size: secondary storage drops
 * template downloads by itself and CloudStack does not retry them
 * (docs/architecture.md, "Field lessons"), so these are the failures a Retry
 * most often fixes once the storage is healthy again.
 */
export const FIRST_FAILURES: ReadonlyArray<{ stage: Stage; errorCode: string }> = [
  { stage: 'register_template', errorCode: 'template_download_failed' },
];

export function failureKey(stage: Stage, errorCode: string | null): string {
  return `${stage}:${errorCode ?? 'failed'}`;
}

/** Groups first by FIRST_FAILURES, then the biggest, then in pipeline order and by code. */
export function groupFailures<T extends FailedRunFacts>(runs: readonly T[]): FailureGroup<T>[] {
  const groups = new Map<string, FailureGroup<T>>();
  for (const run of runs) {
    const errorCode = run.errorCode ?? 'failed';
    const path = run.cutoverPath ?? 'classic';
    // one group per order too: its Retry button says where the Retry starts
    const key = `${failureKey(run.failedStage, errorCode)}${path === 'staged' ? ':staged' : ''}`;
    let group = groups.get(key);
    if (!group) {
      const spec = errorSpec(errorCode);
      group = {
        key,
        stage: run.failedStage,
        errorCode,
        title: spec.message,
        kind: spec.kind,
        retry: retryPlan(run.failedStage, path),
        runs: [],
      };
      groups.set(key, group);
    }
    group.runs.push(run);
  }
  for (const g of groups.values()) g.runs.sort((a, b) => time(b.failedAt) - time(a.failedAt));
  return [...groups.values()].sort(
    (a, b) =>
      priority(a) - priority(b) ||
      b.runs.length - a.runs.length ||
      STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage) ||
      a.errorCode.localeCompare(b.errorCode),
  );
}

function priority(g: { stage: Stage; errorCode: string }): number {
  const i = FIRST_FAILURES.findIndex((f) => f.stage === g.stage && f.errorCode === g.errorCode);
  return i === -1 ? FIRST_FAILURES.length : i;
}

function time(d: Date | null): number {
  return d ? d.getTime() : 0;
}
