'use client';
// One batch, live: each container's run with its stage, progress and
// downtime; start, pause and resume.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import type { BatchPause, BatchRun, BatchStatus, BatchView as Batch } from '@/api/batches';
import { Badge, Button, ErrorBox, PageHeader, ProgressBar, statusTone, Table, type Column } from '@/components/ui';
import { fetchJson } from '@/lib/fetch-json';
import { formatDateTime } from '@/lib/format';
import { useCan } from '@/components/viewer';
import { asSentence } from '@/lib/sentence';
import { BatchPlan } from './batch-plan';

export function downtime(start: string | null, end: string | null): string {
  if (!start) return '-';
  const ms = (end ? new Date(end).getTime() : Date.now()) - new Date(start).getTime();
  const s = Math.round(ms / 1000);
  return `${s >= 60 ? `${Math.floor(s / 60)} min ` : ''}${s % 60} s${end ? '' : ' (ongoing)'}`;
}

const COLUMNS: Column<BatchRun>[] = [
  {
    header: 'Container',
    cell: (r) => (
      <>
        <Link className="text-sky-700 hover:underline" href={`/runs/${r.id}`}>
          CT {r.container.sourceCtid}
        </Link>{' '}
        <span className="text-slate-500">
          {r.container.hostname ?? ''} on {r.container.sourceHost.name}
        </span>
      </>
    ),
  },
  { header: 'Customer', cell: (r) => r.container.customer?.name ?? '-' },
  { header: 'Status', cell: (r) => <Badge tone={statusTone(r.status)}>{r.status.replace('_', ' ')}</Badge> },
  {
    header: 'Stage',
    headerClassName: 'w-64',
    cell: (r) => (
      <>
        <div className="text-xs">{r.failedStage ? `failed in ${r.failedStage}` : (r.currentStage ?? '-')}</div>
        {r.status === 'running' && r.progressPercent !== null ? (
          <ProgressBar percent={r.progressPercent} label={`${r.container.sourceCtid} ${r.currentStage}`} />
        ) : null}
        {r.error ? (
          <div className="mt-1 truncate text-xs text-red-700" title={asSentence(r.error)}>
            {asSentence(r.error)}
          </div>
        ) : r.waitingReason ? (
          <div className="mt-1 text-xs text-amber-800" data-testid="waiting-reason">
            {asSentence(r.waitingReason)}
          </div>
        ) : r.stageMessage ? (
          <div className="mt-1 truncate text-xs text-slate-500" title={asSentence(r.stageMessage)}>
            {asSentence(r.stageMessage)}
          </div>
        ) : null}
      </>
    ),
  },
  { header: 'Box', cell: (r) => r.box ?? '-' },
  { header: 'Downtime', className: 'tabular-nums', cell: (r) => downtime(r.downtimeStartedAt, r.downtimeEndedAt) },
];

export function BatchView({ id }: { id: string }) {
  const qc = useQueryClient();
  const batch = useQuery({
    queryKey: ['batch', id],
    queryFn: () => fetchJson<Batch>(`/api/batches/${id}`),
    refetchInterval: 2_000,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['batch', id] });
  const canOperate = useCan('operate');
  const start = useMutation({
    mutationFn: () => fetchJson<BatchStatus>(`/api/batches/${id}/start`, { method: 'POST' }),
    onSettled: refresh,
  });
  const pause = useMutation({
    mutationFn: (paused: boolean) =>
      fetchJson<BatchStatus>(`/api/batches/${id}/pause`, { method: 'POST', json: { paused } satisfies BatchPause }),
    onSettled: refresh,
  });
  const b = batch.data;
  const error = batch.error ?? start.error ?? pause.error;
  return (
    <div>
      <p className="mb-2 text-sm">
        <Link href="/batches" className="text-sky-700 hover:underline">
          ← Batches
        </Link>
      </p>
      <PageHeader
        title={b ? `Batch ${b.name}` : 'Batch'}
        subtitle={
          b ? (
            <span className="flex items-center gap-2">
              <Badge tone={statusTone(b.status)}>{b.status.replaceAll('_', ' ')}</Badge> {b.runs.length} containers,{' '}
              {b.concurrency} at a time, started {formatDateTime(b.startedAt)}
            </span>
          ) : (
            'Loading…'
          )
        }
        actions={
          b && canOperate ? (
            <div className="flex gap-2">
              {b.status === 'draft' ? (
                <Button onClick={() => start.mutate()} disabled={start.isPending}>
                  {/* a start time that has passed starts it now; the answer's time stands for now */}
                  {b.startAt && new Date(b.startAt).getTime() > batch.dataUpdatedAt
                    ? `Start at ${formatDateTime(b.startAt)}`
                    : 'Start now'}
                </Button>
              ) : null}
              {b.status === 'running' || b.status === 'scheduled' ? (
                <Button variant="secondary" onClick={() => pause.mutate(true)}>
                  Pause
                </Button>
              ) : null}
              {b.status === 'paused' ? <Button onClick={() => pause.mutate(false)}>Resume</Button> : null}
            </div>
          ) : null
        }
      />
      {error ? <ErrorBox>{error.message}</ErrorBox> : null}
      {b && (b.status === 'draft' || b.status === 'scheduled') ? <BatchPlan id={id} /> : null}
      <Table columns={COLUMNS} rows={b?.runs} rowKey={(r) => r.id} testId="batch-runs" />
    </div>
  );
}
