'use client';
// The second half of the batch planner, on a batch that has not started: its
// size, the source hosts it draws on, each container's next downtime window
// after the start, its projected downtime (an estimate) and the findings of
// a dry run of preflight, so problems are fixed before the window.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import type { BatchPlan as Plan, DryRunRequested, Finding, PlannedRun } from '@/api/planner';
import { Badge, Button, Card, ErrorBox, Table, type Column } from '@/components/ui';
import { useCan } from '@/components/viewer';
import { fetchJson } from '@/lib/fetch-json';
import { formatDateTime, formatKb } from '@/lib/format';

/** bytes in text (the wire's bigints), for people */
const bytes = (text: string) => formatKb(Math.round(Number(text) / 1024));

/** "about 12 min": the model behind it rounds every rate down (core estimate.ts) */
function minutes(ms: number): string {
  return `about ${Math.ceil(ms / 60_000)} min`;
}

const COLUMNS: Column<PlannedRun>[] = [
  {
    header: 'Container',
    cell: (r) => (
      <>
        <Link className="text-sky-700 hover:underline" href={`/containers/${r.container.id}`}>
          CT {r.container.sourceCtid}
        </Link>{' '}
        <span className="text-slate-500">
          {r.container.hostname ?? ''} on {r.container.sourceHost.name}
        </span>
        <div className="text-xs text-slate-500">
          {r.container.ostemplate ?? 'no OS template'}, {r.container.status}, {formatKb(r.container.diskUsedKb)} used
        </div>
      </>
    ),
  },
  { header: 'Customer', cell: (r) => r.customer?.name ?? <span className="text-slate-400">none</span> },
  { header: 'Downtime window', cell: (r) => <WindowCell run={r} /> },
  {
    header: 'Projected downtime',
    className: 'whitespace-nowrap tabular-nums',
    cell: (r) => (
      <span title="An estimate from the data and file count">{minutes(r.projectedDowntimeMs)} (estimate)</span>
    ),
  },
  { header: 'Dry-run preflight', headerClassName: 'w-96', cell: (r) => <Findings run={r} /> },
];

function WindowCell({ run }: { run: PlannedRun }) {
  const w = run.window;
  if (!w) return <span className="text-slate-500">none agreed: cutover at once</span>;
  return (
    <>
      <div>
        {w.text} <span className="text-slate-500">({w.timeZone})</span>
      </div>
      {w.problem ? (
        <div className="text-xs text-red-700">{w.problem}</div>
      ) : (
        <div className="text-xs text-slate-500">
          next: {formatDateTime(w.nextStart)} to {formatDateTime(w.nextEnd).slice(11)}
        </div>
      )}
    </>
  );
}

function Findings({ run }: { run: PlannedRun }) {
  const d = run.dryRun;
  if (!d) return <span className="text-slate-400">not checked</span>;
  const failed = d.findings.filter((f) => !f.ok);
  const warned = d.findings.filter((f) => f.ok && f.warning);
  return (
    <div data-testid={`dry-run-${run.container.sourceCtid}`}>
      <Badge tone={d.ok ? 'green' : 'red'}>
        {d.ok ? `passed (${d.findings.length} checks)` : `${failed.length} of ${d.findings.length} checks failed`}
      </Badge>
      {failed.length ? (
        <ul className="mt-1 list-disc pl-4 text-xs text-red-800">
          {failed.map((f, i) => (
            <li key={i}>
              <span className="font-mono">{f.code}</span>: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
      {warned.length ? (
        <ul className="mt-1 list-disc pl-4 text-xs text-amber-800">
          {warned.map((f, i) => (
            <li key={i}>
              warning <span className="font-mono">{f.code}</span>: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
      <details className="mt-1 text-xs text-slate-600">
        <summary className="cursor-pointer">every check</summary>
        <ul className="mt-1">
          {d.findings.map((f: Finding, i) => (
            <li key={i}>
              {f.ok ? (f.warning ? 'WARNING' : 'ok') : 'FAILED'} <span className="font-mono">{f.code}</span>:{' '}
              {f.message}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

export function BatchPlan({ id }: { id: string }) {
  const qc = useQueryClient();
  const canOperate = useCan('operate');
  const plan = useQuery({
    queryKey: ['batch-plan', id],
    queryFn: () => fetchJson<Plan>(`/api/batches/${id}/plan`),
    // faster while a dry run is under way
    refetchInterval: (q) => (q.state.data?.dryRun && !q.state.data.dryRun.finishedAt ? 2_000 : 15_000),
  });
  const dryRun = useMutation({
    mutationFn: () => fetchJson<DryRunRequested>(`/api/batches/${id}/dry-run`, { method: 'POST' }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['batch-plan', id] }),
  });
  const p = plan.data;
  if (!p) return plan.error ? <ErrorBox title="Could not load the plan">{plan.error.message}</ErrorBox> : null;
  const running = p.dryRun !== null && p.dryRun.finishedAt === null;
  return (
    <Card title="Plan" className="mb-6">
      <dl className="mb-4 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2 lg:grid-cols-4">
        <Fact label="Containers">{p.totals.containers}</Fact>
        <Fact label="Total disk">
          {bytes(p.totals.diskQuotaBytes)} quota, {bytes(p.totals.diskUsedBytes)} used
        </Fact>
        <Fact label="Converter box disk">{bytes(p.totals.boxDiskBytes)} reserved in all while they run</Fact>
        <Fact label="Starts">{p.startAt ? formatDateTime(p.startAt) : 'when started'}</Fact>
        <Fact label="Concurrency">{p.concurrency} at a time</Fact>
        <Fact label="Per hypervisor">
          {p.perHostConcurrency ? `${p.perHostConcurrency} at a time` : "the host's own limit"}
        </Fact>
        <Fact label="Source hosts">
          {p.hosts.map((h) => `${h.name}: ${h.containers} (host limit ${h.hostLimit})`).join(', ')}
        </Fact>
      </dl>
      <div className="mb-3 flex flex-wrap items-center gap-3 text-sm">
        {canOperate ? (
          <Button variant="secondary" onClick={() => dryRun.mutate()} disabled={dryRun.isPending || running}>
            {p.dryRun ? 'Run the dry-run preflight again' : 'Run a dry-run preflight'}
          </Button>
        ) : null}
        <DryRunStatus plan={p} />
      </div>
      {dryRun.error ? <ErrorBox title="The dry run was not started">{dryRun.error.message}</ErrorBox> : null}
      <Table look="plain" columns={COLUMNS} rows={p.runs} rowKey={(r) => r.runId} testId="batch-plan" />
    </Card>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase text-slate-500">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function DryRunStatus({ plan }: { plan: Plan }) {
  const d = plan.dryRun;
  if (!d)
    return (
      <span className="text-slate-500">
        Preflight's checks on a converter box, changing nothing: SSH to the source, the box's disk and route,
        CloudStack.
      </span>
    );
  const box = d.box ? `on ${d.box.name}` : 'on a box that is gone';
  if (d.error)
    return (
      <span className="text-red-700">
        The dry run {box} failed: {d.error}
      </span>
    );
  if (d.finishedAt) {
    const failed = plan.runs.filter((r) => r.dryRun && !r.dryRun.ok).length;
    return (
      <span role="status">
        Dry run {box} finished {formatDateTime(d.finishedAt)}: {d.checked - failed} passed, {failed} failed.
      </span>
    );
  }
  if (d.box && !d.box.online)
    return <span className="text-amber-800">Converter box {d.box.name} is offline; run the dry run again.</span>;
  return (
    <span role="status" className="text-sky-800">
      Dry run {box}: {d.startedAt ? `${d.checked} of ${plan.totals.containers} checked…` : 'queued…'}
    </span>
  );
}
