import { resolveContainerRefs } from '@vzferry/db';
import { containerRefsSchema, resolvedRefsSchema } from '@/api/planner';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/**
 * The containers a pasted list names (CTIDs, host:CTIDs, hostnames), and each
 * line that names none. A read, but a POST (the list can be long): it has its
 * audit row like every POST.
 */
export const POST = route(
  {
    access: 'read',
    audit: { action: 'containers.resolve', target: 'Container' },
    body: containerRefsSchema,
    maxBodyBytes: 512 * 1024,
    output: resolvedRefsSchema,
  },
  async ({ body }) => resolveContainerRefs(server().db, body.text),
);
