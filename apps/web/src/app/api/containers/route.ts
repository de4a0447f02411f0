import { containerQuerySchema, listContainers } from '@vzferry/db';
import { server } from '@/server/context';
import { handle, parseInput, searchParams } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = handle(async (req) => listContainers(server().db, parseInput(containerQuerySchema, searchParams(req))));
