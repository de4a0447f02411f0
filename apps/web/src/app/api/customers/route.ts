import { listCustomers } from '@vzferry/db';
import { server } from '@/server/context';
import { handle, searchParams } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = handle(async (req) => listCustomers(server().db, { q: searchParams(req).q?.slice(0, 200) }));
