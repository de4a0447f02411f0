// A batch's page: the server makes sure the batch exists (an unknown or
// malformed id is a not-found page); the client view follows it live.
import { findBatchHeading } from '@vzferry/db';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { idParamsSchema } from '@/api/wire';
import { readingDb } from '@/server/page-access';
import { BatchView } from './batch-view';

export const dynamic = 'force-dynamic';

async function load(params: Promise<{ id: string }>) {
  const parsed = idParamsSchema.safeParse(await params);
  const batch = parsed.success ? await findBatchHeading(await readingDb(), parsed.data.id) : null;
  if (!batch) notFound();
  return batch;
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Batch ${(await load(params)).name}` };
}

export default async function BatchPage({ params }: { params: Promise<{ id: string }> }) {
  const batch = await load(params);
  return <BatchView id={batch.id} />;
}
