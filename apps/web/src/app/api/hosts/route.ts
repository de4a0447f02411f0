import { createSourceHost, listSourceHosts } from '@vzferry/db';
import { server, WEB_ACTOR } from '@/server/context';
import { handle, jsonBody } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = handle(async () => listSourceHosts(server().db));

/** Adds a host and probes its SSH host key at once, so the fingerprint is there to accept. */
export const POST = handle(async (req) => {
  const { db, secrets, producer } = server();
  const host = await createSourceHost(db, secrets, await jsonBody(req), WEB_ACTOR);
  await producer.enqueue('probe_host_key', { sourceHostId: host.id });
  return Response.json(host, { status: 201 });
});
