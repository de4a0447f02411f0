import { saveMappings } from '@vzferry/db';
import { server, WEB_ACTOR } from '@/server/context';
import { handle, jsonBody } from '@/server/route';

export const dynamic = 'force-dynamic';

export const PUT = handle(async (req) => saveMappings(server().db, await jsonBody(req), WEB_ACTOR));
