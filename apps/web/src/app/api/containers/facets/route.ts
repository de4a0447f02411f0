import { containerFacets } from '@vzferry/db';
import { server } from '@/server/context';
import { handle } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = handle(async () => containerFacets(server().db));
