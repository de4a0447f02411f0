// The manager's report on the whole migration: how far it is (totals and
// their history), how it goes (throughput, downtime), when it will be done
// and what fails, per source host and per customer. packages/db assembles
// it; the web app shows it and exports each table as CSV.
import { ERROR_CODES, isErrorCode } from '../error-codes';
import type { Stage } from '../stages';
import type { DayProgress, ProgressCounts } from './daily-progress';
import type { CompletionEstimate } from './estimate';
import type { DowntimePercentiles } from './percentiles';

/** A group's containers by where they stand, and how many are left (not done). */
export interface Breakdown extends ProgressCounts {
  total: number;
  left: number;
}

export interface HostBreakdown extends Breakdown {
  hostId: string;
  host: string;
}

export interface CustomerBreakdown extends Breakdown {
  /** null: the containers no customer is assigned to */
  customerId: string | null;
  customer: string;
  email: string | null;
}

/** Containers whose latest run failed, by error code and the stage it failed in. */
export interface FailureReason {
  errorCode: string;
  /** the catalogue's sentence for the code */
  message: string;
  stage: Stage | null;
  runs: number;
}

/** One run's downtime as stored: every window its source was stopped in, `seconds` their sum. */
export interface DowntimeRow {
  runId: string;
  runStatus: string;
  containerId: string;
  ctid: number;
  hostname: string | null;
  host: string;
  customer: string | null;
  /** the start of its first window */
  startedAt: Date;
  /** the end of its last window */
  endedAt: Date;
  seconds: number;
  /** what await_cutover projected before the cutover (null: a run from before projections, or none made) */
  projectedSeconds: number | null;
  /** each stop of the source to its start again (a Retry after a rollback stops it once more) */
  windows: Array<{ startedAt: Date; endedAt: Date }>;
  /** how many times stop_source started: more than one means the source may have been stopped more than once */
  stops: number;
}

export interface DowntimeReport extends DowntimePercentiles {
  /** runs whose source container is stopped right now */
  downNow: number;
  /** runs that stopped their source more than once: their figure is the sum of their windows */
  stoppedMoreThanOnce: number;
  /** the longest downtimes, longest first */
  longest: DowntimeRow[];
}

export interface MigrationReport {
  generatedAt: Date;
  totals: Breakdown;
  daily: DayProgress[];
  downtime: DowntimeReport;
  estimate: CompletionEstimate;
  failures: FailureReason[];
  hosts: HostBreakdown[];
  customers: CustomerBreakdown[];
}

const UNKNOWN_CODE = 'This code is not in the error catalogue';

/** The catalogue's sentence for a stored error code (rows may hold codes older than the catalogue). */
export function errorCodeMessage(code: string): string {
  return isErrorCode(code) ? ERROR_CODES[code].message : UNKNOWN_CODE;
}
