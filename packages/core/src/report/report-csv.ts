// Every table of the migration report as CSV, one column list per table, so
// the page and the file show the same figures. toCsv makes the cells
// formula-safe (a customer named "=cmd|..." stays text).
import { toCsv, type CsvCell } from '../csv-export';
import type { DayProgress } from './daily-progress';
import type { CustomerBreakdown, DowntimeRow, FailureReason, HostBreakdown } from './migration-report';

export const REPORT_TABLES = ['daily', 'downtime', 'failures', 'hosts', 'customers'] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

/** The rows each table is made of. */
export interface ReportTableRows {
  daily: DayProgress;
  downtime: DowntimeRow;
  failures: FailureReason;
  hosts: HostBreakdown;
  customers: CustomerBreakdown;
}

type Columns<T> = ReadonlyArray<readonly [header: string, cell: (row: T) => CsvCell]>;

const progressColumns = <T extends HostBreakdown | CustomerBreakdown>(): Columns<T> => [
  ['containers', (r) => r.total],
  ['done', (r) => r.done],
  ['in progress', (r) => r.inProgress],
  ['failed', (r) => r.failed],
  ['not started', (r) => r.notStarted],
  ['left', (r) => r.left],
];

const COLUMNS: { [K in ReportTable]: Columns<ReportTableRows[K]> } = {
  daily: [
    ['day (UTC)', (r) => r.day],
    ['done', (r) => r.done],
    ['in progress', (r) => r.inProgress],
    ['failed', (r) => r.failed],
    ['not started', (r) => r.notStarted],
    ['migrated that day', (r) => r.migrated],
    ['failed that day', (r) => r.failedThatDay],
  ],
  downtime: [
    ['ctid', (r) => r.ctid],
    ['hostname', (r) => r.hostname],
    ['source host', (r) => r.host],
    ['customer', (r) => r.customer],
    ['run status', (r) => r.runStatus],
    ['downtime started', (r) => r.startedAt],
    ['downtime ended', (r) => r.endedAt],
    ['seconds', (r) => r.seconds],
    ['source stops', (r) => r.stops],
    ['run id', (r) => r.runId],
    // every window (the seconds are their sum): "start/end; start/end", ISO 8601
    ['windows', (r) => r.windows.map((w) => `${w.startedAt.toISOString()}/${w.endedAt.toISOString()}`).join('; ')],
    // await_cutover's projection before the cutover, beside the seconds it took
    ['projected seconds', (r) => r.projectedSeconds],
  ],
  failures: [
    ['error code', (r) => r.errorCode],
    ['what it means', (r) => r.message],
    ['failed stage', (r) => r.stage],
    ['containers', (r) => r.runs],
  ],
  hosts: [['source host', (r) => r.host], ...progressColumns<HostBreakdown>()],
  customers: [['customer', (r) => r.customer], ['e-mail', (r) => r.email], ...progressColumns<CustomerBreakdown>()],
};

export function reportTableCsv<T extends ReportTable>(table: T, rows: readonly ReportTableRows[T][]): string {
  const columns: Columns<ReportTableRows[T]> = COLUMNS[table];
  return toCsv(
    columns.map(([header]) => header),
    rows.map((row) => columns.map(([, cell]) => cell(row))),
  );
}

/** The download's file name: what it holds and the day it was made. */
export function reportCsvFilename(table: ReportTable, at: Date): string {
  return `vzferry-report-${table}-${at.toISOString().slice(0, 10)}.csv`;
}
