// Support's one search box: customers by name or e-mail, containers by
// CTID, hostname or IP, tolerant of a typo; exact matches first.
import { searchDirectory } from '@vzferry/db';
import { searchQuerySchema, searchResultSchema } from '@/api/search';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route({ access: 'read', query: searchQuerySchema, output: searchResultSchema }, async ({ query }) =>
  searchDirectory(server().db, query.q),
);
