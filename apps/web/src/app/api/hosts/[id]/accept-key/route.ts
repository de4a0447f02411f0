import { acceptHostKey } from '@vzferry/db';
import { acceptHostKeySchema, hostKeyAcceptedSchema } from '@/api/hosts';
import { idParamsSchema } from '@/api/wire';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Pins exactly the fingerprint the engineer saw; the import may start afterwards. */
export const POST = route(
  {
    access: 'administer',
    audit: { action: 'host.accept_key', target: 'SourceHost' },
    params: idParamsSchema,
    body: acceptHostKeySchema,
    output: hostKeyAcceptedSchema,
  },
  async ({ params, body, audit }) => {
    audit({ details: { fingerprint: body.fingerprint } });
    return acceptHostKey(server().db, params.id, body.fingerprint);
  },
);
