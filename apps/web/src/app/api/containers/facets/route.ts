import { containerFacets } from '@vzferry/db';
import { containerFacetsSchema } from '@/api/containers';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route({ access: 'read', output: containerFacetsSchema }, async () => containerFacets(server().db));
