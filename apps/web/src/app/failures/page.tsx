// The engineer's failures view: read on the server for the first paint, then
// followed by the client (a Retry moves runs out of it).
import { listFailures } from '@vzferry/db';
import type { Metadata } from 'next';
import { failuresSchema } from '@/api/failures';
import { server } from '@/server/context';
import { FailuresView } from './failures-view';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Failures' };

export default async function FailuresPage() {
  // the wire shape the API answers (dates as ISO text), so the client's first data is its polled data
  const initial = failuresSchema.parse(await listFailures(server().db));
  return <FailuresView initial={initial} />;
}
