'use client';
// Every batch with its runs by state. Batches are created from the
// containers page (its current filter) and started on their own page.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { BatchListItem } from '@/api/batches';
import { Badge, ErrorBox, PageHeader, statusTone, Table, type Column } from '@/components/ui';
import { fetchJson } from '@/lib/fetch-json';
import { formatDateTime } from '@/lib/format';

const ORDER = ['succeeded', 'running', 'waiting', 'queued', 'pending', 'rolling_back', 'failed', 'cancelled'];

const COLUMNS: Column<BatchListItem>[] = [
  {
    header: 'Batch',
    cell: (b) => (
      <Link className="text-sky-700 hover:underline" href={`/batches/${b.id}`}>
        {b.name}
      </Link>
    ),
  },
  { header: 'Status', cell: (b) => <Badge tone={statusTone(b.status)}>{b.status.replaceAll('_', ' ')}</Badge> },
  {
    header: 'Runs',
    cell: (b) => (
      <span className="flex flex-wrap gap-1">
        {ORDER.filter((s) => b.runs[s]).map((s) => (
          <Badge key={s} tone={statusTone(s)}>
            {b.runs[s]} {s.replace('_', ' ')}
          </Badge>
        ))}
      </span>
    ),
  },
  { header: 'Created', cell: (b) => formatDateTime(b.createdAt) },
  { header: 'Started', cell: (b) => formatDateTime(b.startedAt) },
];

export function BatchesView() {
  const batches = useQuery({
    queryKey: ['batches'],
    queryFn: () => fetchJson<BatchListItem[]>('/api/batches'),
    refetchInterval: 5_000,
  });
  return (
    <div>
      <PageHeader
        title="Batches"
        subtitle="Waves of containers migrated together. Plan one on the Containers page: pick containers, then check the plan here before it starts."
      />
      {batches.error ? <ErrorBox>{batches.error.message}</ErrorBox> : null}
      <Table columns={COLUMNS} rows={batches.data} rowKey={(b) => b.id} empty="No batches yet." />
    </div>
  );
}
