'use client';
// One batch, live: each container's run with its stage, progress and
// downtime; start, pause and resume.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { Badge, Button, ErrorBox, PageHeader, ProgressBar, statusTone } from '@/components/ui';
import { fetchJson } from '@/lib/fetch-json';
import { formatDateTime } from '@/lib/format';

interface BatchRun {
  id: string;
  status: string;
  currentStage: string | null;
  failedStage: string | null;
  error: string | null;
  container: { id: string; sourceCtid: number; hostname: string | null; sourceHost: { name: string }; customer: { name: string } | null; downtimeWindow: string | null };
  box: string | null;
  downtimeStartedAt: string | null;
  downtimeEndedAt: string | null;
  progressPercent: number | null;
  stageMessage: string | null;
}

interface Batch {
  id: string;
  name: string;
  status: string;
  concurrency: number;
  startedAt: string | null;
  runs: BatchRun[];
}

export function downtime(start: string | null, end: string | null): string {
  if (!start) return '-';
  const ms = (end ? new Date(end).getTime() : Date.now()) - new Date(start).getTime();
  const s = Math.round(ms / 1000);
  return `${s >= 60 ? `${Math.floor(s / 60)} min ` : ''}${s % 60} s${end ? '' : ' (ongoing)'}`;
}

export function BatchView({ id }: { id: string }) {
  const qc = useQueryClient();
  const batch = useQuery({ queryKey: ['batch', id], queryFn: () => fetchJson<Batch>(`/api/batches/${id}`), refetchInterval: 2_000 });
  const refresh = () => qc.invalidateQueries({ queryKey: ['batch', id] });
  const start = useMutation({ mutationFn: () => fetchJson(`/api/batches/${id}/start`, { method: 'POST' }), onSettled: refresh });
  const pause = useMutation({ mutationFn: (paused: boolean) => fetchJson(`/api/batches/${id}/pause`, { method: 'POST', json: { paused } }), onSettled: refresh });
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
        subtitle={b ? <span className="flex items-center gap-2"><Badge tone={statusTone(b.status)}>{b.status}</Badge> {b.runs.length} containers, {b.concurrency} at a time, started {formatDateTime(b.startedAt)}</span> : 'Loading…'}
        actions={
          b ? (
            <div className="flex gap-2">
              {b.status === 'draft' ? <Button onClick={() => start.mutate()} disabled={start.isPending}>Start now</Button> : null}
              {b.status === 'running' || b.status === 'scheduled' ? <Button variant="secondary" onClick={() => pause.mutate(true)}>Pause</Button> : null}
              {b.status === 'paused' ? <Button onClick={() => pause.mutate(false)}>Resume</Button> : null}
            </div>
          ) : null
        }
      />
      {error ? <ErrorBox>{error.message}</ErrorBox> : null}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-3 py-2">Container</th>
              <th className="px-3 py-2">Customer</th>
              <th className="px-3 py-2">Status</th>
              <th className="w-64 px-3 py-2">Stage</th>
              <th className="px-3 py-2">Box</th>
              <th className="px-3 py-2">Downtime</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {b?.runs.map((r) => (
              <tr key={r.id}>
                <td className="px-3 py-2">
                  <Link className="text-sky-700 hover:underline" href={`/runs/${r.id}`}>
                    CT {r.container.sourceCtid}
                  </Link>{' '}
                  <span className="text-slate-500">
                    {r.container.hostname ?? ''} on {r.container.sourceHost.name}
                  </span>
                </td>
                <td className="px-3 py-2">{r.container.customer?.name ?? '-'}</td>
                <td className="px-3 py-2">
                  <Badge tone={statusTone(r.status)}>{r.status.replace('_', ' ')}</Badge>
                </td>
                <td className="px-3 py-2">
                  <div className="text-xs">{r.failedStage ? `failed in ${r.failedStage}` : (r.currentStage ?? '-')}</div>
                  {r.status === 'running' && r.progressPercent !== null ? <ProgressBar percent={r.progressPercent} label={`${r.container.sourceCtid} ${r.currentStage}`} /> : null}
                  {r.error ? <div className="mt-1 truncate text-xs text-red-700" title={r.error}>{r.error}</div> : r.stageMessage ? <div className="mt-1 truncate text-xs text-slate-500">{r.stageMessage}</div> : null}
                </td>
                <td className="px-3 py-2">{r.box ?? '-'}</td>
                <td className="px-3 py-2 tabular-nums">{downtime(r.downtimeStartedAt, r.downtimeEndedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
