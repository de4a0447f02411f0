import { mappingsSchema, saveMappings } from '@vzferry/db';
import { mappingsViewSchema } from '@/api/settings';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** The three lists replace the saved ones together, or nothing changes. */
export const PUT = route(
  {
    access: 'administer',
    audit: { action: 'settings.mappings', target: 'Setting' },
    body: mappingsSchema,
    output: mappingsViewSchema,
  },
  async ({ body, audit }) => {
    const saved = await saveMappings(server().db, body);
    audit({
      targetId: 'mappings',
      details: { networks: saved.networks.length, offerings: saved.offerings.length, osTypes: saved.osTypes.length },
    });
    return saved;
  },
);
