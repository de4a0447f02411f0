'use client';
// Filters live in the URL (shareable, back button works); the server does the
// filtering and paging, so 3,000+ containers cost one page of rows each time.
// Engineers pick containers for a batch here (batch-planner.tsx); the picks
// stay while they change the filter or the page.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import type { ContainerFacets, ContainerPage, ContainerRow } from '@/api/containers';
import type { InventoryState } from '@/api/overview';
import { Badge, Button, ErrorBox, inputClass, PageHeader, statusTone, Table, type Column } from '@/components/ui';
import { useCan } from '@/components/viewer';
import { fetchJson } from '@/lib/fetch-json';
import { formatKb, formatMb } from '@/lib/format';
import { emptyInventory } from '@/lib/inventory-empty-state';
import { BatchPlanner } from './batch-planner';

const FILTERS = ['hostId', 'status', 'os', 'customerId', 'migrationState'] as const;
const PAGE_SIZE = 50;

const COLUMNS: Column<ContainerRow>[] = [
  {
    header: 'CTID',
    className: 'font-mono',
    cell: (ct) => (
      <Link className="text-sky-700 hover:underline" href={`/containers/${ct.id}`}>
        {ct.sourceCtid}
      </Link>
    ),
  },
  {
    header: 'Hostname',
    className: 'max-w-48 truncate',
    title: (ct) => ct.hostname ?? '',
    cell: (ct) => (
      <>
        {ct.hostname ?? '-'} {ct.vanished ? <Badge tone="red">vanished</Badge> : null}
      </>
    ),
  },
  { header: 'Host', className: 'whitespace-nowrap', cell: (ct) => ct.host.name },
  {
    header: 'Customer',
    className: 'max-w-40 truncate',
    title: (ct) => ct.customer?.name ?? '',
    cell: (ct) => ct.customer?.name ?? <span className="text-slate-400">none</span>,
  },
  {
    // the first address and how many more: the migration state stays in view at 1440 px (every address is in the tooltip)
    header: 'IPs',
    className: 'whitespace-nowrap font-mono text-xs',
    title: (ct) => ct.ips.join(' '),
    cell: (ct) =>
      ct.ips.length === 0 ? (
        '-'
      ) : (
        <>
          {ct.ips[0]}
          {ct.ips.length > 1 ? <span className="font-sans text-slate-500"> +{ct.ips.length - 1}</span> : null}
        </>
      ),
  },
  {
    header: 'OS',
    className: 'max-w-40 truncate',
    title: (ct) => ct.ostemplate ?? '',
    cell: (ct) => ct.ostemplate ?? '-',
  },
  {
    header: 'Disk',
    headerClassName: 'text-right',
    className: 'whitespace-nowrap text-right tabular-nums',
    cell: (ct) => formatKb(ct.diskQuotaKb),
  },
  {
    header: 'RAM',
    headerClassName: 'text-right',
    className: 'whitespace-nowrap text-right tabular-nums',
    cell: (ct) => formatMb(ct.ramMb),
  },
  { header: 'Status', cell: (ct) => <Badge tone={statusTone(ct.status)}>{ct.status}</Badge> },
  {
    header: 'Migration',
    cell: (ct) => <Badge tone={statusTone(ct.migrationState)}>{ct.migrationState.replace('_', ' ')}</Badge>,
  },
];

/** The checkbox column: one per row, and one in the header for the rows of this page. */
function pickColumn(
  rows: readonly ContainerRow[],
  picked: ReadonlySet<string>,
  onPick: (next: ReadonlySet<string>) => void,
): Column<ContainerRow> {
  const allOnPage = rows.length > 0 && rows.every((r) => picked.has(r.id));
  const toggle = (ids: string[], on: boolean) => {
    const next = new Set(picked);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    onPick(next);
  };
  return {
    header: (
      <input
        type="checkbox"
        aria-label="Pick every container on this page"
        checked={allOnPage}
        onChange={(e) =>
          toggle(
            rows.map((r) => r.id),
            e.target.checked,
          )
        }
      />
    ),
    headerClassName: 'w-8',
    cell: (ct) => (
      <input
        type="checkbox"
        aria-label={`Pick CT ${ct.sourceCtid}`}
        checked={picked.has(ct.id)}
        onChange={(e) => toggle([ct.id], e.target.checked)}
      />
    ),
  };
}

export function ContainersTable() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const canPlan = useCan('operate');
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());

  const setParams = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('page' in changes)) next.delete('page');
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };

  // the search box waits for a pause in typing before it asks the server
  const q = params.get('q') ?? '';
  useEffect(() => {
    if (search === q) return;
    const t = setTimeout(() => setParams({ q: search || null }), 250);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  const query = new URLSearchParams(params);
  query.set('pageSize', String(PAGE_SIZE));
  const list = useQuery({
    queryKey: ['containers', query.toString()],
    queryFn: () => fetchJson<ContainerPage>(`/api/containers?${query.toString()}`),
    placeholderData: keepPreviousData,
    // an empty inventory is usually one being imported (the demo's seed): look again soon
    refetchInterval: (q) => (q.state.data?.total === 0 ? 2_000 : 10_000),
  });
  const facets = useQuery({
    queryKey: ['facets'],
    queryFn: () => fetchJson<ContainerFacets>('/api/containers/facets'),
    staleTime: 30_000,
  });

  const page = Number(params.get('page') ?? '1');
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const filtered = FILTERS.some((f) => params.get(f)) || q !== '';
  const inventory = useQuery({
    queryKey: ['inventory-state'],
    queryFn: () => fetchJson<InventoryState>('/api/overview/inventory'),
    enabled: !filtered && list.data?.total === 0,
    refetchInterval: (query) => (query.state.data && emptyInventory(query.state.data).busy ? 2_000 : false),
  });

  return (
    <div>
      <PageHeader
        title="Containers"
        subtitle={
          list.data ? `${total.toLocaleString('en')} ${filtered ? 'matching' : 'in the inventory'}` : 'Loading…'
        }
      />
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <input
          type="search"
          aria-label="Search containers"
          placeholder="Search CTID, hostname, customer or IP"
          className={`${inputClass} w-80`}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <Select
          label="Host"
          value={params.get('hostId')}
          onChange={(v) => setParams({ hostId: v })}
          options={facets.data?.hosts.map((h) => [h.id, h.name]) ?? []}
        />
        <Select
          label="Status"
          value={params.get('status')}
          onChange={(v) => setParams({ status: v })}
          options={facets.data?.statuses.map((s) => [s, s]) ?? []}
        />
        <Select
          label="OS"
          value={params.get('os')}
          onChange={(v) => setParams({ os: v })}
          options={facets.data?.osTemplates.map((o) => [o.value, `${o.value} (${o.count})`]) ?? []}
        />
        <Select
          label="Customer"
          value={params.get('customerId')}
          onChange={(v) => setParams({ customerId: v })}
          options={[
            ['none', '(no customer)'],
            ...(facets.data?.customers.map((c) => [c.id, c.name] as [string, string]) ?? []),
          ]}
        />
        <Select
          label="Migration"
          value={params.get('migrationState')}
          onChange={(v) => setParams({ migrationState: v })}
          options={facets.data?.migrationStates.map((s) => [s, s.replace('_', ' ')]) ?? []}
        />
        {filtered ? (
          <Button
            variant="secondary"
            onClick={() => {
              setSearch('');
              router.replace(pathname);
            }}
          >
            Clear filters
          </Button>
        ) : null}
      </div>

      {canPlan ? (
        <BatchPlanner
          picked={picked}
          onPick={setPicked}
          filterQuery={new URLSearchParams([...params].filter(([k]) => k !== 'page')).toString()}
          matching={total}
        />
      ) : null}

      {list.error ? <ErrorBox title="Could not load containers">{list.error.message}</ErrorBox> : null}

      <Table
        columns={canPlan ? [pickColumn(list.data?.rows ?? [], picked, setPicked), ...COLUMNS] : COLUMNS}
        rows={list.data?.rows}
        rowKey={(ct) => ct.id}
        rowClassName="hover:bg-sky-50/50"
        bodyClassName={list.isPlaceholderData ? 'opacity-60' : undefined}
        empty={
          filtered
            ? 'No container matches these filters.'
            : inventory.data
              ? emptyInventory(inventory.data).message
              : 'No containers yet.'
        }
      />

      <div className="mt-3 flex items-center justify-between text-sm text-slate-600">
        <span>
          Page {Math.min(page, pages)} of {pages}
        </span>
        <div className="flex gap-2">
          <Button variant="secondary" disabled={page <= 1} onClick={() => setParams({ page: String(page - 1) })}>
            Previous
          </Button>
          <Button variant="secondary" disabled={page >= pages} onClick={() => setParams({ page: String(page + 1) })}>
            Next
          </Button>
        </div>
      </div>
    </div>
  );
}

function Select({
  label,
  value,
  onChange,
  options,
}: {
  label: string;
  value: string | null;
  onChange: (v: string | null) => void;
  options: [string, string][];
}) {
  return (
    <label className="flex flex-col text-xs font-medium text-slate-600">
      {label}
      <select
        aria-label={label}
        className={`${inputClass} mt-1 min-w-32`}
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value || null)}
      >
        <option value="">All</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}
