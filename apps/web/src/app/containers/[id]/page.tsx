// One container: where it is, in words (its state, and its source container
// as the pipeline left it, not only what the last import saw), whose it is,
// its runs and notes, and what the engineer needs (limits, NICs). Read on
// the server straight from PostgreSQL.
import { formatDateTimeIn, NotFoundError } from '@vzferry/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { RunTimeline, StateLine } from '@/components/migration-story';
import { NoteForm } from '@/components/note-form';
import { NotesList } from '@/components/notes-list';
import { Badge, Card, PageHeader, statusTone, Table, type Column } from '@/components/ui';
import { formatDateTime, formatKb, formatMb } from '@/lib/format';
import { readingDb } from '@/server/page-access';
import { containerSupportView, type ContainerSupportView } from '@/server/support-views';

export const dynamic = 'force-dynamic';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type ContainerDetail = ContainerSupportView;

async function load(id: string): Promise<ContainerDetail> {
  if (!UUID.test(id)) notFound();
  try {
    await readingDb(); // signed in, and the role may read
    return await containerSupportView(id);
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

const onbootWords = (onboot: boolean | null) => (onboot === null ? '-' : onboot ? 'yes' : 'no');

export default async function ContainerPage({ params }: { params: Promise<{ id: string }> }) {
  const ct = await load((await params).id);
  const zone = ct.customer?.timezone ?? 'UTC';
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
            on {ct.sourceHost.name} <Badge tone={statusTone(ct.source.status)}>{ct.source.status}</Badge>
            <Badge tone={statusTone(ct.migrationState)}>{ct.migrationState.replace('_', ' ')}</Badge>
            {ct.vanishedAt ? <Badge tone="red">vanished from the host {formatDateTime(ct.vanishedAt)}</Badge> : null}
          </span>
        }
      />
      <Card title={`Where it is (times in ${zone})`} className="mb-4">
        <div className="flex flex-col gap-2 text-sm">
          <StateLine state={ct.state} />
          <p>
            <span className="text-slate-500">Source container: </span>
            <span data-testid="source-state">{ct.source.text}</span>
          </p>
        </div>
      </Card>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Customer">
          {ct.customer ? (
            <Facts
              rows={[
                [
                  'Customer',
                  <Link
                    key="c"
                    className="text-sky-700 hover:underline"
                    href={`/customers/${ct.customer.id}`}
                    data-testid="customer-name"
                  >
                    {ct.customer.name}
                  </Link>,
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
              ['Start on boot', onbootWords(ct.source.onboot)],
              ['Nameservers', ct.nameservers.join(', ') || '-'],
              [
                'Last import',
                `${formatDateTimeIn(ct.lastSeenAt, zone)}: ${ct.status}, start on boot ${onbootWords(ct.onboot)}`,
              ],
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
        <Card title="Notes">
          <NoteForm postUrl={`/api/containers/${ct.id}/notes`} about={`CT ${ct.sourceCtid}`} />
          <NotesList
            notes={ct.notes.map((n) => ({
              id: n.id,
              body: n.body,
              authorName: n.authorName,
              when: formatDateTimeIn(n.createdAt, zone),
            }))}
          />
        </Card>
        <Card title="Migration runs" className="lg:col-span-2">
          <RunTimeline entries={ct.timeline} />
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
