import { getRunView } from '@vzferry/db';
import { z } from 'zod';
import { server } from '@/server/context';
import { handle, parseInput } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = handle(async (_req, ctx: { params: Promise<{ id: string }> }) => getRunView(server().db, parseInput(z.uuid(), (await ctx.params).id)));
