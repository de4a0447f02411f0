'use client';
// The engineer's landing page, live: what each converter box and each source
// hypervisor is doing now, how fast the boxes copy, the failed runs that wait
// for someone, and the next downtime windows.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { OperationsOverview, OverviewBox, OverviewRun } from '@/api/overview';
import { Badge, Card, ErrorBox, PageHeader, ProgressBar, statusTone, Table, type Column } from '@/components/ui';
import { fetchJson } from '@/lib/fetch-json';
import { formatBytes, formatDateTime, relativeTime, timeUntil } from '@/lib/format';
import { asSentence } from '@/lib/sentence';

const label = (ct: { sourceCtid: number; hostname: string | null }) =>
  `CT ${ct.sourceCtid}${ct.hostname ? ` ${ct.hostname}` : ''}`;

export function EngineerOverview({ initial }: { initial: OperationsOverview }) {
  const overview = useQuery({
    queryKey: ['overview'],
    queryFn: () => fetchJson<OperationsOverview>('/api/overview'),
    initialData: initial,
    refetchInterval: 5_000,
  });
  const o = overview.data;
  const now = new Date(o.now).getTime();
  const counts = (status: string) => o.activeRuns.filter((r) => r.status === status).length;
  return (
    <div>
      <PageHeader
        title="Overview"
        subtitle={
          <>
            {counts('running')} running, {counts('waiting')} waiting for their window, {counts('rolling_back')} rolling
            back, {o.queuedRuns} queued for a converter box. Updated {formatDateTime(o.now)}.
          </>
        }
      />
      {overview.error ? <ErrorBox title="Could not refresh the overview">{overview.error.message}</ErrorBox> : null}
      <div className="grid gap-6">
        <FailedRuns failed={o.failed} now={now} />
        <section aria-labelledby="boxes-heading">
          <h2 id="boxes-heading" className="mb-2 text-lg font-semibold">
            Converter boxes
          </h2>
          {o.boxes.length === 0 ? (
            <p className="text-sm text-slate-500">
              No converter box has registered yet: start a worker on each box (docs/operating.md).
            </p>
          ) : (
            <div className="grid gap-4 xl:grid-cols-2">
              {o.boxes.map((b) => (
                <BoxCard
                  key={b.id}
                  box={b}
                  runs={o.activeRuns.filter((r) => r.box?.id === b.id)}
                  windowMinutes={o.throughputWindowMinutes}
                  now={now}
                />
              ))}
            </div>
          )}
        </section>
        <HostsCard overview={o} />
        <NextWindows windows={o.nextWindows} now={now} />
      </div>
    </div>
  );
}

function FailedRuns({ failed, now }: { failed: OperationsOverview['failed']; now: number }) {
  if (failed.count === 0) {
    return (
      <p className="text-sm text-emerald-700" data-testid="failed-runs">
        No failed runs: nothing waits for an engineer.
      </p>
    );
  }
  const more = failed.count - failed.newest.length;
  return (
    <section
      className="rounded-lg border border-red-200 bg-white shadow-sm"
      aria-labelledby="failed-heading"
      data-testid="failed-runs"
    >
      <h2 id="failed-heading" className="border-b border-red-100 px-4 py-3 text-sm font-semibold text-red-800">
        {failed.count} failed {failed.count === 1 ? 'run needs' : 'runs need'} an engineer: Retry or Cancel on the
        run&apos;s page
      </h2>
      <ul className="divide-y divide-slate-100 text-sm">
        {failed.newest.map((r) => (
          <li key={r.id} className="px-4 py-2">
            <div className="flex flex-wrap items-baseline gap-x-2">
              <Link className="font-medium text-sky-700 hover:underline" href={`/runs/${r.id}`}>
                {label(r.container)}
              </Link>
              <span className="text-slate-500">
                from {r.container.sourceHost.name}, batch {r.batch.name}, failed in{' '}
                <span className="font-mono text-xs">{r.failedStage ?? 'a stage'}</span>{' '}
                {relativeTime(r.finishedAt, now)}
              </span>
            </div>
            {r.error ? (
              <p className="mt-0.5 line-clamp-2 text-xs text-red-700" title={r.error}>
                {asSentence(r.error)}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
      {more > 0 ? (
        <p className="border-t border-slate-100 px-4 py-2 text-sm">
          <Link className="text-sky-700 hover:underline" href="/containers?migrationState=failed">
            {more} more: every container whose migration failed
          </Link>
        </p>
      ) : null}
    </section>
  );
}

/** the source container is stopped and its VM does not answer yet: the customer's downtime */
const isDown = (r: OverviewRun) => r.downtimeStartedAt !== null && r.downtimeEndedAt === null;

const RUN_COLUMNS: Column<OverviewRun>[] = [
  {
    header: 'Container',
    className: 'max-w-64 truncate',
    title: (r) => label(r.container),
    cell: (r) => (
      <Link className="text-sky-700 hover:underline" href={`/runs/${r.id}`}>
        {label(r.container)}
      </Link>
    ),
  },
  { header: 'From', className: 'whitespace-nowrap', cell: (r) => r.container.sourceHost.name },
  {
    header: 'Stage',
    headerClassName: 'w-48',
    cell: (r) => (
      <>
        <span className="flex items-center gap-1.5">
          <span className="font-mono text-xs">{r.currentStage ?? '-'}</span>
          {r.status !== 'running' ? <Badge tone={statusTone(r.status)}>{r.status.replace('_', ' ')}</Badge> : null}
          {isDown(r) ? (
            <span title={`downtime started ${formatDateTime(r.downtimeStartedAt)}`}>
              <Badge tone="red">down</Badge>
            </span>
          ) : null}
        </span>
        {r.status === 'running' && r.progressPercent !== null ? (
          <ProgressBar percent={r.progressPercent} label={`CT ${r.container.sourceCtid} ${r.currentStage}`} />
        ) : null}
      </>
    ),
  },
];

function BoxCard({
  box,
  runs,
  windowMinutes,
  now,
}: {
  box: OverviewBox;
  runs: OverviewRun[];
  windowMinutes: number;
  now: number;
}) {
  const free = Number(box.freeDiskBytes);
  const total = Number(box.totalDiskBytes);
  return (
    <Card
      title={
        <span className="flex flex-wrap items-center gap-2" data-testid={`box-${box.name}`}>
          {box.name}
          <Badge tone={box.online ? 'green' : 'red'}>
            {box.online ? 'online' : box.status === 'online' ? 'silent' : box.status}
          </Badge>
          <span className="text-xs font-normal text-slate-500">
            {runs.length} of {box.maxConcurrentRuns} runs
          </span>
        </span>
      }
    >
      <dl className="mb-3 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
        <dt className="text-slate-500">Free disk</dt>
        <dd>
          {formatBytes(box.freeDiskBytes)} of {formatBytes(box.totalDiskBytes)}
          {total > 0 ? <ProgressBar percent={100 - (free / total) * 100} label={`disk used on ${box.name}`} /> : null}
        </dd>
        <dt className="text-slate-500">Heartbeat</dt>
        <dd className={box.online ? '' : 'text-red-700'}>
          {relativeTime(box.lastHeartbeatAt, now)}
          {box.online ? '' : ': the scheduler gives it no runs until it heartbeats again'}
        </dd>
        <dt className="text-slate-500">Throughput</dt>
        <dd>
          {formatBytes(box.syncBytesPerMinute)}/min synced (rsync, last {windowMinutes} min) ·{' '}
          {box.runsFinishedLastHour} {box.runsFinishedLastHour === 1 ? 'run' : 'runs'} finished in the last hour
        </dd>
      </dl>
      <Table look="plain" columns={RUN_COLUMNS} rows={runs} rowKey={(r) => r.id} empty="Nothing running on this box." />
    </Card>
  );
}

function HostsCard({ overview }: { overview: OperationsOverview }) {
  const rows = overview.hosts.map((h) => ({
    ...h,
    runs: overview.activeRuns.filter((r) => r.container.sourceHost.id === h.id),
  }));
  return (
    <Card title="Source hypervisors">
      <Table
        look="plain"
        columns={[
          { header: 'Host', className: 'whitespace-nowrap', cell: (h) => h.name },
          {
            header: 'Migrations',
            className: 'whitespace-nowrap tabular-nums',
            cell: (h) => `${h.runs.length} of ${h.maxConcurrentMigrations}`,
          },
          {
            header: 'Now',
            cell: (h) =>
              h.runs.length === 0 ? (
                <span className="text-slate-400">idle</span>
              ) : (
                <span className="flex flex-wrap gap-x-3 gap-y-0.5">
                  {h.runs.map((r) => (
                    <Link key={r.id} className="text-xs text-sky-700 hover:underline" href={`/runs/${r.id}`}>
                      CT {r.container.sourceCtid} <span className="font-mono">{r.currentStage ?? r.status}</span>
                      {isDown(r) ? ' (down)' : ''}
                    </Link>
                  ))}
                </span>
              ),
          },
        ]}
        rows={rows}
        rowKey={(h) => h.id}
        empty="No source hosts yet."
      />
    </Card>
  );
}

function NextWindows({ windows, now }: { windows: OperationsOverview['nextWindows']; now: number }) {
  return (
    <Card title="Next downtime windows">
      <Table
        look="plain"
        columns={[
          {
            header: 'Container',
            cell: (w) => (
              <Link className="text-sky-700 hover:underline" href={`/runs/${w.id}`}>
                {label(w.container)}
              </Link>
            ),
          },
          { header: 'Customer', cell: (w) => w.container.customer?.name ?? '-' },
          {
            header: 'Agreed window',
            cell: (w) =>
              w.container.downtimeWindow
                ? `${w.container.downtimeWindow} (${w.container.customer?.timezone ?? 'UTC'})`
                : '-',
          },
          {
            header: 'Planned',
            cell: (w) => (
              <>
                {formatDateTime(w.plannedWindowStart)}{' '}
                <span className="text-slate-500">{timeUntil(w.plannedWindowStart, now)}</span>
              </>
            ),
          },
        ]}
        rows={windows}
        rowKey={(w) => w.id}
        empty="No run is waiting for its downtime window."
      />
    </Card>
  );
}
