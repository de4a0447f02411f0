import { requireSourceHost } from '@vzferry/db';
import { idParamsSchema, queuedSchema } from '@/api/wire';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Looks at the host's SSH key again (after a reinstall, or a refused changed key). */
export const POST = route(
  {
    access: 'administer',
    audit: { action: 'host.probe', target: 'SourceHost' },
    params: idParamsSchema,
    output: queuedSchema,
    status: 202,
  },
  async ({ params }) => {
    const { db, producer } = server();
    await requireSourceHost(db, params.id);
    await producer.enqueue('probe_host_key', { sourceHostId: params.id });
    return { queued: true };
  },
);
