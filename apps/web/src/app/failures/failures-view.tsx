'use client';
// Failed runs by cause: one card per stage and error code (template download
// failures first), each run with where it failed and why, a Retry per run
// and Retry all for the card. Every Retry button says from which stage the
// run goes on and whether that is a new downtime for the customer.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import type { FailedRun, FailureGroup, Failures, RetryGroup, RetryGroupResult } from '@/api/failures';
import type { Queued } from '@/api/wire';
import { Badge, Button, Card, ErrorBox, PageHeader, Table, type Column } from '@/components/ui';
import { useCan } from '@/components/viewer';
import { fetchJson } from '@/lib/fetch-json';
import { formatDateTime } from '@/lib/format';

/** The last Retry all: kept above the groups, since its group leaves the page once its runs go on. */
interface Outcome {
  group: FailureGroup;
  result: RetryGroupResult;
}

export function FailuresView({ initial }: { initial: Failures }) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const failures = useQuery({
    queryKey: ['failures'],
    queryFn: () => fetchJson<Failures>('/api/failures'),
    initialData: initial,
    refetchInterval: 5_000,
  });
  const f = failures.data;
  return (
    <div>
      <PageHeader
        title="Failures"
        subtitle={
          f.total === 0
            ? 'No run has failed.'
            : `${f.total.toLocaleString('en')} failed run${f.total === 1 ? '' : 's'} in ${f.groups.length} group${f.groups.length === 1 ? '' : 's'} by stage and cause${f.shown < f.total ? `; the newest ${f.shown.toLocaleString('en')} are listed` : ''}`
        }
      />
      {failures.error ? <ErrorBox title="Could not load the failures">{failures.error.message}</ErrorBox> : null}
      {outcome ? <RetryOutcome {...outcome} onDismiss={() => setOutcome(null)} /> : null}
      <div className="flex flex-col gap-6">
        {f.groups.map((g) => (
          <GroupCard key={g.key} group={g} onRetried={(result) => setOutcome({ group: g, result })} />
        ))}
      </div>
    </div>
  );
}

function GroupCard({ group, onRetried }: { group: FailureGroup; onRetried: (result: RetryGroupResult) => void }) {
  const qc = useQueryClient();
  const canRetry = useCan('operate');
  const [confirming, setConfirming] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: ['failures'] });
  const retryAll = useMutation({
    mutationFn: () =>
      fetchJson<RetryGroupResult>('/api/failures/retry', {
        method: 'POST',
        json: {
          stage: group.stage,
          errorCode: group.errorCode,
          runIds: group.runs.map((r) => r.id),
        } satisfies RetryGroup,
      }),
    onSuccess: onRetried,
    onSettled: () => {
      setConfirming(false);
      void refresh();
    },
  });
  const retryOne = useMutation({
    mutationFn: (runId: string) => fetchJson<Queued>(`/api/runs/${runId}/retry`, { method: 'POST' }),
    onSettled: refresh,
  });
  const allLabel = `Retry all ${group.count} from ${group.retry.from}${group.retry.newDowntime ? ' (a new downtime)' : ''}`;
  const columns: Column<FailedRun>[] = [
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
    { header: 'Customer', cell: (r) => r.customer?.name ?? <span className="text-slate-400">none</span> },
    {
      header: 'Batch',
      cell: (r) => (
        <Link className="text-sky-700 hover:underline" href={`/batches/${r.batch.id}`}>
          {r.batch.name}
        </Link>
      ),
    },
    { header: 'Failed', className: 'whitespace-nowrap', cell: (r) => formatDateTime(r.failedAt) },
    {
      header: 'Error',
      className: 'max-w-md text-xs text-red-800',
      cell: (r) => <span className="line-clamp-3 break-words">{r.error ?? group.title}</span>,
      title: (r) => r.error ?? group.title,
    },
    ...(canRetry
      ? [
          {
            header: <span className="sr-only">Retry</span>,
            className: 'text-right',
            cell: (r: FailedRun) => (
              <Button
                variant="secondary"
                className="whitespace-nowrap"
                disabled={retryOne.isPending || retryAll.isPending}
                onClick={() => retryOne.mutate(r.id)}
                aria-label={`${group.retry.label}: CT ${r.container.sourceCtid}`}
              >
                {group.retry.label}
              </Button>
            ),
          },
        ]
      : []),
  ];
  return (
    <Card
      title={
        <span className="flex flex-wrap items-center gap-2">
          <span className="font-mono">{group.stage}</span>
          <Badge tone="red">{group.errorCode}</Badge>
          <span className="font-normal text-slate-600">{group.title}</span>
          <Badge>
            {group.count} run{group.count === 1 ? '' : 's'}
          </Badge>
        </span>
      }
    >
      <section aria-label={`Failures: ${group.stage} ${group.errorCode}`}>
        {canRetry ? (
          <div className="mb-3 flex flex-wrap items-center gap-2">
            {confirming ? (
              <>
                <span className="text-sm text-amber-800">
                  Each of these {group.count} containers is stopped again: a new downtime for its customer.
                </span>
                <Button onClick={() => retryAll.mutate()} disabled={retryAll.isPending}>
                  Yes, {allLabel.charAt(0).toLowerCase() + allLabel.slice(1)}
                </Button>
                <Button variant="secondary" onClick={() => setConfirming(false)}>
                  Cancel
                </Button>
              </>
            ) : (
              <Button
                onClick={() => (group.retry.newDowntime ? setConfirming(true) : retryAll.mutate())}
                disabled={retryAll.isPending}
              >
                {allLabel}
              </Button>
            )}
          </div>
        ) : null}
        {retryAll.error ? <ErrorBox title="Retry all failed">{retryAll.error.message}</ErrorBox> : null}
        {retryOne.error ? <ErrorBox title="Retry failed">{retryOne.error.message}</ErrorBox> : null}
        <Table look="plain" columns={columns} rows={group.runs} rowKey={(r) => r.id} />
      </section>
    </Card>
  );
}

/** What Retry all did: the runs it retried (to follow them) and the ones that had changed meanwhile. */
function RetryOutcome({ group, result, onDismiss }: Outcome & { onDismiss: () => void }) {
  const label = (runId: string) => {
    const r = group.runs.find((x) => x.id === runId);
    return r ? `CT ${r.container.sourceCtid}` : runId;
  };
  return (
    <div role="status" className="mb-6 rounded-md border border-sky-200 bg-sky-50 p-3 text-sm">
      <div className="flex items-start justify-between gap-4">
        <p className="font-medium">
          Retry all of {group.stage} · {group.errorCode}
        </p>
        <Button variant="secondary" onClick={onDismiss}>
          Dismiss
        </Button>
      </div>
      <p>
        Retried {result.retried.length} run{result.retried.length === 1 ? '' : 's'}
        {result.retried.length ? ': ' : '.'}
        {result.retried.map((r, i) => (
          <span key={r.runId}>
            {i ? ', ' : ''}
            <Link className="text-sky-700 hover:underline" href={`/runs/${r.runId}`}>
              {label(r.runId)}
            </Link>{' '}
            from {r.from}
          </span>
        ))}
      </p>
      {result.notRetried.length ? (
        <div className="mt-2">
          <p className="font-medium text-amber-800">
            Not retried: {result.notRetried.length} that changed since the page showed them
          </p>
          <ul className="list-disc pl-5">
            {result.notRetried.map((n) => (
              <li key={n.runId}>
                <Link className="text-sky-700 hover:underline" href={`/runs/${n.runId}`}>
                  {label(n.runId)}
                </Link>
                : {n.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
