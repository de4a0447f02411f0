'use client';
// The manager's report: how far the migration is, how it goes, when it
// will be done, what fails, per source host and per customer. Each table
// downloads as CSV; the page prints as a report (print.css).
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Report } from '@/api/report';
import { Badge, Button, Card, ErrorBox, PageHeader, ProgressBar, Table, type Column } from '@/components/ui';
import { fetchJson } from '@/lib/fetch-json';
import { formatDateTime, formatDuration } from '@/lib/format';
import { ProgressChart, STANDING_COLORS, ThroughputChart } from './report-charts';

type Breakdown = Report['totals'];
type CsvTable = 'daily' | 'downtime' | 'failures' | 'hosts' | 'customers';

const CUSTOMERS_SHOWN = 25;
const DAYS_SHOWN = 14;

export function ReportView({ initial }: { initial: Report }) {
  const query = useQuery({
    queryKey: ['report'],
    queryFn: () => fetchJson<Report>('/api/report'),
    initialData: initial,
    refetchInterval: 60_000,
  });
  const r = query.data;
  return (
    <div data-report>
      <PageHeader
        title="Migration report"
        subtitle={`Generated ${formatDateTime(r.generatedAt)}; days are UTC days. Each container counts by its latest run.`}
        actions={
          <Button variant="secondary" className="print:hidden" onClick={() => window.print()}>
            Print
          </Button>
        }
      />
      {query.error ? <ErrorBox title="The report could not be refreshed">{query.error.message}</ErrorBox> : null}
      <Totals totals={r.totals} estimate={r.estimate} generatedAt={r.generatedAt} />
      <div className="mt-4 grid gap-4">
        <Card title={<Title csv="daily">Progress over time</Title>}>
          {r.daily.length === 0 ? (
            <p className="text-sm text-slate-500">No migration run has started yet.</p>
          ) : (
            <>
              <ProgressChart daily={r.daily} />
              <h3 className="mt-4 text-sm font-semibold text-slate-700">Containers migrated per day</h3>
              <ThroughputChart daily={r.daily} />
              <DailyTable daily={r.daily} />
            </>
          )}
        </Card>
        <Downtime downtime={r.downtime} />
        <Card title={<Title csv="failures">Why containers failed</Title>}>
          <Table
            look="plain"
            testId="failures-table"
            columns={FAILURE_COLUMNS}
            rows={r.failures}
            rowKey={(f) => `${f.errorCode}/${f.stage}`}
            empty="No container's latest run failed."
          />
        </Card>
        <Card title={<Title csv="hosts">Per source host</Title>}>
          <Table
            look="plain"
            testId="hosts-table"
            columns={[{ header: 'Source host', cell: (h) => h.host }, ...breakdownColumns<Report['hosts'][number]>()]}
            rows={r.hosts}
            rowKey={(h) => h.hostId}
            empty="No source host yet."
          />
        </Card>
        <Card title={<Title csv="customers">Per customer</Title>}>
          <Table
            look="plain"
            testId="customers-table"
            columns={[
              { header: 'Customer', cell: (c) => c.customer, title: (c) => c.email ?? 'no customer assigned' },
              ...breakdownColumns<Report['customers'][number]>(),
            ]}
            rows={r.customers.slice(0, CUSTOMERS_SHOWN)}
            rowKey={(c) => c.customerId ?? 'none'}
            empty="No container yet."
          />
          {r.customers.length > CUSTOMERS_SHOWN ? (
            <p className="mt-2 text-xs text-slate-500">
              The {CUSTOMERS_SHOWN} customers with the most containers left, of {r.customers.length}; the CSV has every
              one.
            </p>
          ) : null}
        </Card>
      </div>
    </div>
  );
}

function Title({ csv, children }: { csv: CsvTable; children: ReactNode }) {
  return (
    <span className="flex items-center justify-between gap-2">
      {children}
      <a
        href={`/api/report/csv?table=${csv}`}
        download
        className="text-xs font-medium text-sky-700 hover:underline print:hidden"
      >
        Download CSV
      </a>
    </span>
  );
}

const percent = (part: number, total: number) => (total === 0 ? 0 : (part / total) * 100);

function Totals({
  totals,
  estimate,
  generatedAt,
}: {
  totals: Breakdown;
  estimate: Report['estimate'];
  generatedAt: string;
}) {
  const tiles: [string, number, string][] = [
    ['Done', totals.done, STANDING_COLORS.done],
    ['In progress', totals.inProgress, STANDING_COLORS.inProgress],
    ['Failed', totals.failed, STANDING_COLORS.failed],
    ['Not started', totals.notStarted, STANDING_COLORS.notStarted],
  ];
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5 print:grid-cols-5">
      {tiles.map(([label, n, color]) => (
        <Card key={label}>
          <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">{label}</p>
          <p className="mt-1 text-2xl font-semibold" style={{ color }} data-testid={`total-${label}`}>
            {n.toLocaleString('en')}
          </p>
          <p className="text-xs text-slate-500">
            {percent(n, totals.total).toFixed(1)} % of {totals.total.toLocaleString('en')}
          </p>
        </Card>
      ))}
      <Card>
        <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">Estimated completion</p>
        <Estimate estimate={estimate} generatedAt={generatedAt} />
      </Card>
      <div className="sm:col-span-2 lg:col-span-5 print:col-span-5">
        <ProgressBar percent={percent(totals.done, totals.total)} label="Containers migrated" />
      </div>
    </div>
  );
}

function Estimate({ estimate, generatedAt }: { estimate: Report['estimate']; generatedAt: string }) {
  if (estimate.kind === 'done') return <p className="mt-1 text-2xl font-semibold">Done</p>;
  if (estimate.kind === 'not_enough_data')
    return (
      <>
        <p className="mt-1 text-lg font-semibold" data-testid="estimate">
          Not enough data
        </p>
        <p className="text-xs text-slate-500">{estimate.reason}</p>
      </>
    );
  const days = Math.ceil((new Date(estimate.estimatedAt).getTime() - new Date(generatedAt).getTime()) / 86_400_000);
  return (
    <>
      <p className="mt-1 text-2xl font-semibold print:text-lg" data-testid="estimate">
        {estimate.estimatedAt.slice(0, 10)}
      </p>
      <p className="text-xs text-slate-500">
        in about {Math.max(days, 0)} days: {estimate.remaining.toLocaleString('en')} left at{' '}
        {estimate.ratePerDay.toFixed(1)} a day ({estimate.migratedInWindow} migrated over the last{' '}
        {estimate.windowDays >= 2 ? `${Math.round(estimate.windowDays)} days` : 'day'})
      </p>
    </>
  );
}

function DailyTable({ daily }: { daily: Report['daily'] }) {
  const shown = daily.slice(-DAYS_SHOWN).reverse();
  return (
    <>
      <h3 className="mt-4 text-sm font-semibold text-slate-700">
        The last {Math.min(DAYS_SHOWN, daily.length)} days{daily.length > DAYS_SHOWN ? ' (the CSV has every day)' : ''}
      </h3>
      <Table
        look="plain"
        testId="daily-table"
        columns={[
          { header: 'Day', cell: (d) => d.day, className: 'font-mono' },
          { header: 'Migrated', cell: (d) => d.migrated, className: 'text-right', headerClassName: 'text-right' },
          { header: 'Failed', cell: (d) => d.failedThatDay, className: 'text-right', headerClassName: 'text-right' },
          ...standingColumns<Report['daily'][number]>(),
        ]}
        rows={shown}
        rowKey={(d) => d.day}
      />
    </>
  );
}

function Downtime({ downtime }: { downtime: Report['downtime'] }) {
  const figures: [string, number | null][] = [
    ['p50', downtime.p50Seconds],
    ['p95', downtime.p95Seconds],
    ['max', downtime.maxSeconds],
  ];
  return (
    <Card title={<Title csv="downtime">Downtime</Title>}>
      <dl className="grid grid-cols-3 gap-4 sm:grid-cols-5" data-testid="downtime-figures">
        {figures.map(([label, s]) => (
          <div key={label}>
            <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">{label}</dt>
            <dd className="text-xl font-semibold" data-testid={`downtime-${label}`}>
              {formatDuration(s)}
            </dd>
          </div>
        ))}
        <div>
          <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">Downtimes</dt>
          <dd className="text-xl font-semibold">{downtime.count}</dd>
        </div>
        <div>
          <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">Down now</dt>
          <dd className="text-xl font-semibold">{downtime.downNow}</dd>
        </div>
      </dl>
      <p className="mt-3 text-xs text-slate-500">
        From the stop of the source container to the moment the VM answered (or, after a rollback, the source ran
        again), for every run that was down, failed runs too. A run stores one downtime: when a retry stopped the source
        a second time, its figure runs from the first stop to the last end, the time the source ran in between included
        {downtime.stoppedMoreThanOnce > 0 ? (
          <>
            {' '}
            (<strong>{downtime.stoppedMoreThanOnce}</strong> such run{downtime.stoppedMoreThanOnce === 1 ? '' : 's'})
          </>
        ) : null}
        .
      </p>
      {downtime.longest.length > 0 ? (
        <>
          <h3 className="mt-4 text-sm font-semibold text-slate-700">The longest downtimes</h3>
          <Table
            look="plain"
            testId="downtime-table"
            columns={DOWNTIME_COLUMNS}
            rows={downtime.longest}
            rowKey={(d) => d.runId}
          />
        </>
      ) : null}
    </Card>
  );
}

const num = (n: number) => n.toLocaleString('en');
// the plain table has no cell padding: numbers keep their distance from the next column
const right = { className: 'pr-4 text-right tabular-nums', headerClassName: 'pr-4 text-right' };

function standingColumns<T extends Omit<Breakdown, 'total' | 'left'>>(): Column<T>[] {
  return [
    { header: 'Done', cell: (r) => num(r.done), ...right },
    { header: 'In progress', cell: (r) => num(r.inProgress), ...right },
    { header: 'Failed', cell: (r) => num(r.failed), ...right },
    { header: 'Not started', cell: (r) => num(r.notStarted), ...right },
  ];
}

function breakdownColumns<T extends Breakdown>(): Column<T>[] {
  return [
    { header: 'Containers', cell: (r) => num(r.total), ...right },
    ...standingColumns<T>(),
    { header: 'Left', cell: (r) => num(r.left), ...right },
    {
      header: 'Migrated',
      cell: (r) => `${percent(r.done, r.total).toFixed(0)} %`,
      ...right,
    },
  ];
}

const FAILURE_COLUMNS: Column<Report['failures'][number]>[] = [
  { header: 'Containers', cell: (f) => num(f.runs), ...right },
  { header: 'Error', cell: (f) => <Badge tone="red">{f.errorCode}</Badge> },
  { header: 'What it means', cell: (f) => f.message },
  { header: 'Failed stage', cell: (f) => f.stage ?? '-', className: 'font-mono' },
];

const secondsBetween = (w: { startedAt: string; endedAt: string }) =>
  (new Date(w.endedAt).getTime() - new Date(w.startedAt).getTime()) / 1000;

const DOWNTIME_COLUMNS: Column<Report['downtime']['longest'][number]>[] = [
  { header: 'Downtime', cell: (d) => formatDuration(d.seconds), ...right },
  { header: 'Projected', cell: (d) => formatDuration(d.projectedSeconds), ...right },
  {
    header: 'Container',
    cell: (d) => (
      <Link className="text-sky-700 hover:underline" href={`/runs/${d.runId}`}>
        CT {d.ctid} {d.hostname ?? ''}
      </Link>
    ),
  },
  { header: 'Source host', cell: (d) => d.host },
  { header: 'Customer', cell: (d) => d.customer ?? '-' },
  {
    // a run that stopped its source more than once shows each window
    header: 'Started',
    cell: (d) =>
      d.windows.length > 1
        ? d.windows.map((w) => `${formatDateTime(w.startedAt)} (${formatDuration(secondsBetween(w))})`).join(', ')
        : formatDateTime(d.startedAt),
  },
  { header: 'Run', cell: (d) => <Badge tone={d.runStatus === 'succeeded' ? 'green' : 'gray'}>{d.runStatus}</Badge> },
];
