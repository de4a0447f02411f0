import { createSourceHost, listSourceHosts, sourceHostInputSchema } from '@vzferry/db';
import { sourceHostCreatedSchema, sourceHostListSchema } from '@/api/hosts';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route({ access: 'read', output: sourceHostListSchema }, async () => listSourceHosts(server().db));

/** Adds a host and probes its SSH host key at once, so the fingerprint is there to accept. */
export const POST = route(
  {
    access: 'administer',
    audit: { action: 'host.create', target: 'SourceHost' },
    body: sourceHostInputSchema,
    output: sourceHostCreatedSchema,
    status: 201,
  },
  async ({ body, audit }) => {
    const { db, secrets, producer } = server();
    const host = await createSourceHost(db, secrets, body);
    audit({ targetId: host.id, details: { name: host.name } });
    await producer.enqueue('probe_host_key', { sourceHostId: host.id });
    return host;
  },
);
