'use client';
// Every batch with its runs by state. Batches are created from the
// containers page (its current filter) and started on their own page.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Badge, ErrorBox, PageHeader, statusTone } from '@/components/ui';
import { fetchJson } from '@/lib/fetch-json';
import { formatDateTime } from '@/lib/format';

interface BatchItem {
  id: string;
  name: string;
  status: string;
  concurrency: number;
  createdAt: string;
  startedAt: string | null;
  runs: Record<string, number>;
}

const ORDER = ['succeeded', 'running', 'waiting', 'queued', 'pending', 'rolling_back', 'failed', 'cancelled'];

export function BatchesView() {
  const batches = useQuery({ queryKey: ['batches'], queryFn: () => fetchJson<BatchItem[]>('/api/batches'), refetchInterval: 5_000 });
  return (
    <div>
      <PageHeader title="Batches" subtitle="Waves of containers migrated together. Create one from the Containers page (its current filter)." />
      {batches.error ? <ErrorBox>{batches.error.message}</ErrorBox> : null}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-3 py-2">Batch</th>
              <th className="px-3 py-2">Status</th>
              <th className="px-3 py-2">Runs</th>
              <th className="px-3 py-2">Created</th>
              <th className="px-3 py-2">Started</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {batches.data?.map((b) => (
              <tr key={b.id}>
                <td className="px-3 py-2">
                  <Link className="text-sky-700 hover:underline" href={`/batches/${b.id}`}>
                    {b.name}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  <Badge tone={statusTone(b.status)}>{b.status}</Badge>
                </td>
                <td className="px-3 py-2">
                  <span className="flex flex-wrap gap-1">
                    {ORDER.filter((s) => b.runs[s]).map((s) => (
                      <Badge key={s} tone={statusTone(s)}>
                        {b.runs[s]} {s.replace('_', ' ')}
                      </Badge>
                    ))}
                  </span>
                </td>
                <td className="px-3 py-2">{formatDateTime(b.createdAt)}</td>
                <td className="px-3 py-2">{formatDateTime(b.startedAt)}</td>
              </tr>
            ))}
            {batches.data?.length === 0 ? (
              <tr>
                <td colSpan={5} className="px-3 py-8 text-center text-slate-500">
                  No batches yet.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </div>
  );
}
