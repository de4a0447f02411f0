import { mappingsSchema, saveMappings } from '@vzferry/db';
import { mappingsViewSchema } from '@/api/settings';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** The three lists replace the saved ones together, or nothing changes. */
export const PUT = route(
  { access: 'administer', body: mappingsSchema, output: mappingsViewSchema },
  async ({ body, actor }) => saveMappings(server().db, body, actor),
);
