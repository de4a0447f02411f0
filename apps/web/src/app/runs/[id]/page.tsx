// A run's page: the server makes sure the run exists (an unknown or
// malformed id is a not-found page, not an endless "Loading…"); the client
// view follows it live.
import { findRunHeading } from '@vzferry/db';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { idParamsSchema } from '@/api/wire';
import { readingDb } from '@/server/page-access';
import { RunView } from './run-view';

export const dynamic = 'force-dynamic';

async function load(params: Promise<{ id: string }>) {
  const parsed = idParamsSchema.safeParse(await params);
  const run = parsed.success ? await findRunHeading(await readingDb(), parsed.data.id) : null;
  if (!run) notFound();
  return run;
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const run = await load(params);
  return { title: `Run of CT ${run.container.sourceCtid} ${run.container.hostname ?? ''}`.trim() };
}

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const run = await load(params);
  return <RunView id={run.id} />;
}
