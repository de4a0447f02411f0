'use client';
// One container's migration, live: the 16 stages with status, attempts,
// progress and duration, the downtime (planned window, projected and actual),
// the catch-up syncs while it waited for its window, template uploads, what rewrite_config changed in the guest's configuration, the log
// tail with command output, Retry and Cancel.
import { Fragment } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { RUN_LOG_LINES, type RunView as Run } from '@/api/runs';
import type { Queued } from '@/api/wire';
import { downtime } from '@/app/batches/[id]/batch-view';
import { Badge, Button, Card, ErrorBox, PageHeader, ProgressBar, statusTone } from '@/components/ui';
import { fetchJson } from '@/lib/fetch-json';
import { formatBytes, formatDateTime, formatDuration } from '@/lib/format';
import { useCan } from '@/components/viewer';
import { asSentence } from '@/lib/sentence';
import { ConfigDiffView } from './config-diff-view';
import { RunLogView } from './run-log-view';

const seconds = (a: string | null, b: string | null) =>
  a ? `${Math.round(((b ? new Date(b).getTime() : Date.now()) - new Date(a).getTime()) / 1000)} s` : '';

export function RunView({ id }: { id: string }) {
  const qc = useQueryClient();
  const run = useQuery({
    queryKey: ['run', id],
    queryFn: () => fetchJson<Run>(`/api/runs/${id}`),
    refetchInterval: 2_000,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['run', id] });
  const canOperate = useCan('operate');
  const retry = useMutation({
    mutationFn: () => fetchJson<Queued>(`/api/runs/${id}/retry`, { method: 'POST' }),
    onSettled: refresh,
  });
  const cancel = useMutation({
    mutationFn: () => fetchJson<Queued>(`/api/runs/${id}/cancel`, { method: 'POST' }),
    onSettled: refresh,
  });
  const r = run.data;
  const error = run.error ?? retry.error ?? cancel.error;
  const active = r && ['pending', 'queued', 'running', 'waiting'].includes(r.status);
  return (
    <div>
      {r ? (
        <p className="mb-2 text-sm">
          <Link href={`/batches/${r.batch.id}`} className="text-sky-700 hover:underline">
            ← Batch {r.batch.name}
          </Link>
        </p>
      ) : null}
      <PageHeader
        title={r ? `CT ${r.container.sourceCtid} ${r.container.hostname ?? ''}` : 'Migration run'}
        subtitle={
          r ? (
            <span className="flex items-center gap-2">
              <Badge tone={statusTone(r.status)}>{r.status.replace('_', ' ')}</Badge> from {r.container.sourceHost.name}
              {r.box ? ` on box ${r.box}` : ''}
              {r.cloudstackVmName ? `, VM ${r.cloudstackVmName}` : ''}
            </span>
          ) : (
            'Loading…'
          )
        }
        actions={
          r && canOperate ? (
            <div className="flex gap-2">
              {r.retry ? (
                <Button onClick={() => retry.mutate()} disabled={retry.isPending}>
                  {r.retry.label}
                </Button>
              ) : null}
              {active ? (
                <Button variant="danger" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
                  Cancel
                </Button>
              ) : null}
            </div>
          ) : null
        }
      />
      {error ? <ErrorBox>{error.message}</ErrorBox> : null}
      {r?.error ? <ErrorBox title={`Failed in ${r.failedStage ?? 'a stage'}`}>{asSentence(r.error)}</ErrorBox> : null}
      {r ? (
        <div className="mt-4 grid gap-4 lg:grid-cols-3">
          <Card title="Stages" className="lg:col-span-2">
            <ol className="divide-y divide-slate-100 text-sm">
              {r.stages.map((s, i) => (
                <li key={s.stage} className="grid grid-cols-[2rem_10rem_7rem_1fr_4rem] items-center gap-2 py-1.5">
                  <span className="text-slate-400 tabular-nums">{i + 1}</span>
                  <span className="font-mono text-xs">{s.stage}</span>
                  <Badge tone={s.status === 'not_started' ? 'gray' : statusTone(s.status)}>
                    {s.status.replace('_', ' ')}
                    {s.attempts > 1 ? ` ×${s.attempts}` : ''}
                  </Badge>
                  <span className="min-w-0">
                    {s.status === 'running' && s.progressPercent !== null ? (
                      <ProgressBar percent={s.progressPercent} label={s.stage} />
                    ) : null}
                    <span
                      className={`block truncate text-xs ${s.error ? 'text-red-700' : 'text-slate-500'}`}
                      title={asSentence(s.error ?? s.message)}
                    >
                      {asSentence(s.error ?? s.message)}
                    </span>
                  </span>
                  <span className="text-right text-xs tabular-nums text-slate-500">
                    {seconds(s.startedAt, s.finishedAt)}
                  </span>
                </li>
              ))}
            </ol>
          </Card>
          <div className="grid content-start gap-4">
            <Card title="Downtime">
              <dl className="grid grid-cols-[7rem_1fr] gap-1 text-sm">
                <dt className="text-slate-500">Window</dt>
                <dd>
                  {r.container.downtimeWindow
                    ? `${r.container.downtimeWindow} (${r.container.customer?.timezone ?? 'UTC'})`
                    : 'any time'}
                </dd>
                <dt className="text-slate-500">Cutover</dt>
                <dd data-testid="cutover-path">{cutoverText(r)}</dd>
                <dt className="text-slate-500">Planned</dt>
                <dd>
                  {r.plannedWindowStart
                    ? `${formatDateTime(r.plannedWindowStart)} – ${formatDateTime(r.plannedWindowEnd)}`
                    : '-'}
                </dd>
                {r.downtimeWindows.length > 1 ? (
                  r.downtimeWindows.map((w, i) => (
                    <Fragment key={w.startedAt}>
                      <dt className="text-slate-500">Stop {i + 1}</dt>
                      <dd>
                        {formatDateTime(w.startedAt)} – {formatDateTime(w.endedAt)} ({downtime(w.startedAt, w.endedAt)})
                      </dd>
                    </Fragment>
                  ))
                ) : (
                  <>
                    <dt className="text-slate-500">Started</dt>
                    <dd>{formatDateTime(r.downtimeStartedAt)}</dd>
                    <dt className="text-slate-500">Ended</dt>
                    <dd>{formatDateTime(r.downtimeEndedAt)}</dd>
                  </>
                )}
                <dt className="text-slate-500">Projected</dt>
                <dd data-testid="projected-downtime">
                  {r.projectedDowntimeMs === null ? '-' : formatDuration(r.projectedDowntimeMs / 1000)}
                </dd>
                <dt className="text-slate-500">Lasted</dt>
                <dd>
                  {r.downtimeWindows.length > 1
                    ? `${formatDuration(r.downtimeSeconds)} in ${r.downtimeWindows.length} windows`
                    : downtime(r.downtimeStartedAt, r.downtimeEndedAt)}
                </dd>
              </dl>
            </Card>
            {r.catchUpSyncs.length ? <CatchUpSyncs syncs={r.catchUpSyncs} /> : null}
            {r.templateUploads.length ? (
              <Card title="Template uploads">
                <ul className="text-sm">
                  {r.templateUploads.map((u) => (
                    <li key={u.attempt}>
                      #{u.attempt}{' '}
                      <Badge tone={statusTone(u.state === 'ready' ? 'succeeded' : u.state)}>{u.state}</Badge>{' '}
                      {u.csStatus ?? ''} {u.error ? <span className="text-red-700">{u.error}</span> : null}
                    </li>
                  ))}
                </ul>
              </Card>
            ) : null}
          </div>
          {r.configDiff.length ? (
            <Card title="Configuration changes" className="lg:col-span-3">
              <ConfigDiffView diff={r.configDiff} />
            </Card>
          ) : null}
          <Card title="Log" className="lg:col-span-3">
            <RunLogView events={r.events} limit={RUN_LOG_LINES} />
          </Card>
        </div>
      ) : null}
    </div>
  );
}

/** The run's order, and where its staged VM stands. */
function cutoverText(r: Run): string {
  if (r.cutoverPath === 'classic') return 'classic: the image moves in the downtime';
  const staged = r.stages.find((s) => s.stage === 'deploy_vm')?.status === 'succeeded';
  if (!staged || !r.cloudstackVmName) return 'staged: the VM is deployed before the window';
  if (r.downtimeStartedAt === null) return `staged: VM ${r.cloudstackVmName} waits, stopped, holding the IPs`;
  return `staged: VM ${r.cloudstackVmName} pulls only the changes`;
}

/** Each catch-up sync: when, how long, and how much had changed since the one before. */
function CatchUpSyncs({ syncs }: { syncs: Run['catchUpSyncs'] }) {
  return (
    <Card title="Catch-up syncs">
      <table className="w-full text-sm" data-testid="catch-up-syncs">
        <thead className="text-left text-slate-500">
          <tr>
            <th className="pr-3 font-normal">Started</th>
            <th className="pr-3 font-normal">Took</th>
            <th className="font-normal">Changed</th>
          </tr>
        </thead>
        <tbody>
          {syncs.map((c) => (
            <tr key={c.startedAt}>
              <td className="pr-3">{formatDateTime(c.startedAt)}</td>
              {/* tenths below 10 s: a sync of the changes often takes less than one */}
              <td className="pr-3 tabular-nums">
                {c.durationMs < 10_000 ? `${(c.durationMs / 1000).toFixed(1)} s` : formatDuration(c.durationMs / 1000)}
              </td>
              <td>
                {c.filesTransferred} of {c.files} files, {formatBytes(c.bytesTransferred)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
