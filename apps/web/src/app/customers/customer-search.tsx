'use client';
// The customers page's search: empty, it lists the customers; with text, it
// shows what /api/search finds: customers (also through a container of
// theirs) and containers, exact matches first. The text lives in the URL
// (?q=), so the search box of every page lands here and Back works.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { CustomerListItem } from '@/api/customers';
import {
  SEARCH_MAX_CHARS,
  type ContainerHit,
  type CustomerHit,
  type SearchMatch,
  type SearchResult,
} from '@/api/search';
import { Badge, Card, ErrorBox, inputClass, statusTone, Table, type Column } from '@/components/ui';
import { fetchJson } from '@/lib/fetch-json';

const FIELD_WORDS: Record<SearchMatch['field'], string> = {
  name: 'name',
  email: 'e-mail',
  ip: 'IP',
  ctid: 'CTID',
  hostname: 'hostname',
};

function MatchBadge({ match }: { match: SearchMatch }) {
  const tone = match.quality === 'exact' ? 'green' : match.quality === 'partial' ? 'blue' : 'amber';
  return (
    <Badge tone={tone}>
      {match.quality} {FIELD_WORDS[match.field]}
    </Badge>
  );
}

const customerLink = (c: { id: string; name: string }) => (
  <Link className="text-sky-700 hover:underline" href={`/customers/${c.id}`}>
    {c.name}
  </Link>
);

const CUSTOMER_COLUMNS: Column<CustomerListItem>[] = [
  { header: 'Name', cell: customerLink },
  { header: 'E-mail', cell: (c) => c.email },
  { header: 'Time zone', cell: (c) => c.timezone },
  {
    header: 'Containers',
    headerClassName: 'text-right',
    className: 'text-right tabular-nums',
    cell: (c) => c.containers,
  },
];

const CUSTOMER_HIT_COLUMNS: Column<CustomerHit>[] = [
  { header: 'Name', cell: customerLink },
  { header: 'E-mail', cell: (c) => c.email },
  {
    header: 'Containers',
    headerClassName: 'pr-6 text-right',
    className: 'pr-6 text-right tabular-nums',
    cell: (c) => c.containers,
  },
  {
    header: 'Found by',
    cell: (c) => (
      <span className="flex flex-wrap items-center gap-1.5">
        <MatchBadge match={c.match} />
        {c.match.container ? (
          <span className="text-xs text-slate-500">
            of CT {c.match.container.sourceCtid} {c.match.container.hostname ?? ''}
          </span>
        ) : null}
      </span>
    ),
  },
];

const CONTAINER_HIT_COLUMNS: Column<ContainerHit>[] = [
  {
    header: 'CTID',
    className: 'font-mono',
    cell: (ct) => (
      <Link className="text-sky-700 hover:underline" href={`/containers/${ct.id}`}>
        {ct.sourceCtid}
      </Link>
    ),
  },
  { header: 'Hostname', className: 'max-w-56 truncate', cell: (ct) => ct.hostname ?? '-' },
  { header: 'Host', cell: (ct) => ct.hostName },
  {
    header: 'IPs',
    className: 'max-w-56 truncate font-mono text-xs',
    title: (ct) => ct.ips.join(' '),
    cell: (ct) => ct.ips.join(', ') || '-',
  },
  {
    header: 'Customer',
    cell: (ct) =>
      ct.customer ? customerLink(ct.customer) : <span className="text-slate-400">none (see the container)</span>,
  },
  {
    header: 'Migration',
    cell: (ct) => <Badge tone={statusTone(ct.migrationState)}>{ct.migrationState.replace('_', ' ')}</Badge>,
  },
  { header: 'Found by', cell: (ct) => <MatchBadge match={ct.match} /> },
];

export function CustomerSearch() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const q = params.get('q') ?? '';
  const [search, setSearch] = useState(q);
  // the URL's text changes by this box (after a pause in typing) or from
  // outside (the search box of the layout, Back); only the latter replaces what is typed here
  const pushed = useRef(q);
  useEffect(() => {
    if (q === pushed.current) return;
    pushed.current = q;
    setSearch(q);
  }, [q]);
  useEffect(() => {
    if (search === pushed.current) return;
    const t = setTimeout(() => {
      pushed.current = search;
      router.replace(search ? `${pathname}?q=${encodeURIComponent(search)}` : pathname, { scroll: false });
    }, 250);
    return () => clearTimeout(t);
  }, [search, pathname, router]);

  return (
    <Card title="Find a customer">
      <input
        type="search"
        aria-label="Search customers"
        placeholder="Name, e-mail, CTID, hostname or IP (typos are fine)"
        maxLength={SEARCH_MAX_CHARS}
        className={`${inputClass} mb-3 w-full max-w-xl`}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {q.trim() ? <SearchResults q={q} /> : <AllCustomers />}
    </Card>
  );
}

function AllCustomers() {
  const customers = useQuery({
    queryKey: ['customers'],
    queryFn: () => fetchJson<CustomerListItem[]>('/api/customers'),
  });
  return (
    <>
      {customers.error ? <ErrorBox>{customers.error.message}</ErrorBox> : null}
      <Table
        look="plain"
        columns={CUSTOMER_COLUMNS}
        rows={customers.data}
        rowKey={(c) => c.id}
        empty="No customers yet."
      />
    </>
  );
}

function SearchResults({ q }: { q: string }) {
  const found = useQuery({
    queryKey: ['search', q],
    queryFn: () => fetchJson<SearchResult>(`/api/search?q=${encodeURIComponent(q)}`),
    placeholderData: keepPreviousData,
  });
  const r = found.data;
  return (
    <div data-testid="search-results">
      {found.error ? <ErrorBox title="The search failed">{found.error.message}</ErrorBox> : null}
      {r && r.customers.length === 0 && r.containers.length === 0 ? (
        <p role="status" className="py-4 text-sm text-slate-500">
          Nothing matches “{r.query}”. Try part of the name, the e-mail, a CTID or an IP address.
        </p>
      ) : null}
      {r && r.customers.length > 0 ? (
        <section className="mb-5">
          <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">Customers ({r.customers.length})</h3>
          <Table
            look="plain"
            testId="customer-hits"
            columns={CUSTOMER_HIT_COLUMNS}
            rows={r.customers}
            rowKey={(c) => c.id}
          />
        </section>
      ) : null}
      {r && r.containers.length > 0 ? (
        <section>
          <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">Containers ({r.containers.length})</h3>
          <Table
            look="plain"
            testId="container-hits"
            columns={CONTAINER_HIT_COLUMNS}
            rows={r.containers}
            rowKey={(c) => c.id}
          />
        </section>
      ) : null}
    </div>
  );
}
