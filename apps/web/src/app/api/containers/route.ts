import { containerQuerySchema, listContainers } from '@vzferry/db';
import { containerPageSchema } from '@/api/containers';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route(
  { access: 'read', query: containerQuerySchema, output: containerPageSchema },
  async ({ query }) => listContainers(server().db, query),
);
