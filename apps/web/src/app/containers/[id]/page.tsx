// One container: what support looks up (customer, window, IPs, OS, where it
// is) and what the engineer needs (limits, NICs, runs). Read on the server
// straight from PostgreSQL.
import { NotFoundError } from '@vzferry/core';
import { getContainerDetail, type ContainerDetail } from '@vzferry/db';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { Badge, Card, PageHeader, statusTone, Table, type Column } from '@/components/ui';
import { formatDateTime, formatKb, formatMb } from '@/lib/format';
import { readingDb } from '@/server/page-access';

export const dynamic = 'force-dynamic';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function load(id: string): Promise<ContainerDetail> {
  if (!UUID.test(id)) notFound();
  try {
    return await getContainerDetail(await readingDb(), id);
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const ct = await load((await params).id);
  return { title: `CT ${ct.sourceCtid} ${ct.hostname ?? ''}` };
}

const IP_COLUMNS: Column<ContainerDetail['ips'][number]>[] = [
  {
    header: 'Address',
    className: 'font-mono',
    cell: (ip) => (
      <>
        {ip.address}
        {ip.prefix !== null ? `/${ip.prefix}` : ''}
      </>
    ),
  },
  { header: 'Family', cell: (ip) => `IPv${ip.family}` },
  { header: 'Interface', cell: (ip) => ip.nic?.name ?? 'venet0' },
];

export default async function ContainerPage({ params }: { params: Promise<{ id: string }> }) {
  const ct = await load((await params).id);
  return (
    <div>
      <p className="mb-2 text-sm">
        <Link href="/containers" className="text-sky-700 hover:underline">
          ← Containers
        </Link>
      </p>
      <PageHeader
        title={`CT ${ct.sourceCtid} · ${ct.hostname ?? 'no hostname'}`}
        subtitle={
          <span className="flex flex-wrap items-center gap-2">
            on {ct.sourceHost.name} <Badge tone={statusTone(ct.status)}>{ct.status}</Badge>
            <Badge tone={statusTone(ct.migrationState)}>{ct.migrationState.replace('_', ' ')}</Badge>
            {ct.vanishedAt ? <Badge tone="red">vanished from the host {formatDateTime(ct.vanishedAt)}</Badge> : null}
          </span>
        }
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Customer">
          {ct.customer ? (
            <Facts
              rows={[
                [
                  'Customer',
                  <span key="c" data-testid="customer-name">
                    {ct.customer.name}
                  </span>,
                ],
                [
                  'E-mail',
                  <a key="e" className="text-sky-700 hover:underline" href={`mailto:${ct.customer.email}`}>
                    {ct.customer.email}
                  </a>,
                ],
                ['Time zone', ct.customer.timezone],
                [
                  'Downtime window',
                  ct.downtimeWindow ? `${ct.downtimeWindow} (${ct.customer.timezone})` : 'none agreed: any time',
                ],
              ]}
            />
          ) : (
            <p className="text-sm text-slate-500">
              No customer assigned. Upload the customer CSV on the Customers page.
            </p>
          )}
        </Card>
        <Card title="Container">
          <Facts
            rows={[
              [
                'OS template',
                <span key="os" data-testid="ostemplate">
                  {ct.ostemplate ?? '-'}
                </span>,
              ],
              ['Disk', `${formatKb(ct.diskUsedKb)} used of ${formatKb(ct.diskQuotaKb)}`],
              ['Inodes', `${ct.inodesUsed ?? '-'} of ${ct.inodesLimit ?? 'unlimited'}`],
              ['RAM / swap', `${formatMb(ct.ramMb)} / ${formatMb(ct.swapMb)}`],
              ['CPUs', ct.cpus ?? '-'],
              ['Layout', ct.layout ?? '-'],
              [
                'Private area',
                <code key="p" className="text-xs">
                  {ct.privatePath ?? '-'}
                </code>,
              ],
              ['Start on boot', ct.onboot === null ? '-' : ct.onboot ? 'yes' : 'no'],
              ['Nameservers', ct.nameservers.join(', ') || '-'],
              ['Last seen', formatDateTime(ct.lastSeenAt)],
            ]}
          />
        </Card>
        <Card title={`IP addresses (${ct.ips.length})`}>
          <Table look="plain" columns={IP_COLUMNS} rows={ct.ips} rowKey={(ip) => ip.id} />
          {ct.nics.length > 0 ? (
            <div className="mt-4">
              <p className="mb-1 text-xs font-semibold uppercase text-slate-500">veth interfaces</p>
              <ul className="text-sm">
                {ct.nics.map((n) => (
                  <li key={n.id} className="font-mono text-xs">
                    {n.name} {n.mac ?? ''} bridge {n.bridge ?? '-'} {n.vlan !== null ? `VLAN ${n.vlan}` : ''}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </Card>
        <Card title="Migration runs">
          {ct.runs.length === 0 ? (
            <p className="text-sm text-slate-500">Not in any batch yet.</p>
          ) : (
            <ul className="text-sm">
              {ct.runs.map((r) => (
                <li key={r.id} className="flex gap-2 border-t border-slate-100 py-1 first:border-0">
                  <Badge tone={statusTone(r.status)}>{r.status}</Badge>
                  <Link className="text-sky-700 hover:underline" href={`/runs/${r.id}`}>
                    {r.currentStage ?? 'run'} of {formatDateTime(r.createdAt)}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="grid grid-cols-[10rem_1fr] gap-x-4 gap-y-1.5 text-sm">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-500">{k}</dt>
          <dd className="break-words">{v}</dd>
        </div>
      ))}
    </dl>
  );
}
