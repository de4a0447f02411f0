// One customer, for support on the phone: where each container is in
// words, its runs, the notes, and the e-mails to send; times in the
// customer's zone. Nothing here changes a migration.
import { formatDateTimeIn, NotFoundError } from '@vzferry/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { RunTimeline, StateLine } from '@/components/migration-story';
import { NoteForm } from '@/components/note-form';
import { NotesList } from '@/components/notes-list';
import { Card, PageHeader } from '@/components/ui';
import { readingDb } from '@/server/page-access';
import { customerSupportView, type CustomerSupportView } from '@/server/support-views';
import { EmailTexts } from './email-texts';

export const dynamic = 'force-dynamic';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function load(id: string): Promise<CustomerSupportView> {
  if (!UUID.test(id)) notFound();
  try {
    await readingDb(); // signed in, and the role may read
    return await customerSupportView(id);
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: (await load((await params).id)).name };
}

export default async function CustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const c = await load((await params).id);
  const zone = c.timezone;
  return (
    <div>
      <p className="mb-2 text-sm">
        <Link href="/customers" className="text-sky-700 hover:underline">
          ← Customers
        </Link>
      </p>
      <PageHeader
        title={c.name}
        subtitle={
          <span className="flex flex-wrap gap-x-3">
            <a className="text-sky-700 hover:underline" href={`mailto:${c.email}`} data-testid="customer-email">
              {c.email}
            </a>
            <span>times in {zone}</span>
            <span>
              {c.containers.length} {c.containers.length === 1 ? 'container' : 'containers'}
            </span>
          </span>
        }
      />
      <div className="flex flex-col gap-4">
        <div className="flex flex-col gap-4">
          {c.containers.length === 0 ? (
            <Card>
              <p className="text-sm text-slate-500">No container belongs to this customer.</p>
            </Card>
          ) : null}
          {c.containers.map((ct) => (
            <Card
              key={ct.id}
              title={
                <span className="flex flex-wrap items-baseline gap-x-3">
                  <Link className="text-sky-700 hover:underline" href={`/containers/${ct.id}`}>
                    CT {ct.sourceCtid} · {ct.hostname ?? 'no hostname'}
                  </Link>
                  <span className="text-xs font-normal text-slate-500">
                    on {ct.hostName} · <span className="font-mono">{ct.ips.join(', ') || 'no IP'}</span> ·{' '}
                    {ct.downtimeWindow ? `window ${ct.downtimeWindow}` : 'no downtime window agreed'}
                  </span>
                </span>
              }
            >
              <section aria-label={`CT ${ct.sourceCtid}`} className="flex flex-col gap-3">
                <StateLine state={ct.state} />
                <RunTimeline entries={ct.timeline} />
              </section>
            </Card>
          ))}
        </div>
        <div className="grid items-start gap-4 lg:grid-cols-2">
          <Card title="Notes">
            <NoteForm postUrl={`/api/customers/${c.id}/notes`} about={c.name} />
            <NotesList
              notes={c.notes.map((n) => ({
                id: n.id,
                body: n.body,
                authorName: n.authorName,
                when: formatDateTimeIn(n.createdAt, zone),
                about: n.container ? (
                  <Link className="text-sky-700 hover:underline" href={`/containers/${n.container.id}`}>
                    CT {n.container.sourceCtid} {n.container.hostname ?? ''}
                  </Link>
                ) : undefined,
              }))}
            />
          </Card>
          <Card title="E-mails to send">
            <EmailTexts emails={c.emails} />
          </Card>
        </div>
      </div>
    </div>
  );
}
