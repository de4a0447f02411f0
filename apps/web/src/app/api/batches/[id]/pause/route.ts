import { setBatchPaused } from '@vzferry/db';
import { z } from 'zod';
import { server, WEB_ACTOR } from '@/server/context';
import { handle, jsonBody, parseInput } from '@/server/route';

export const dynamic = 'force-dynamic';

/** { paused: true } holds the batch (running stages finish, nothing new starts); false resumes it. */
export const POST = handle(async (req, ctx: { params: Promise<{ id: string }> }) => {
  const id = parseInput(z.uuid(), (await ctx.params).id);
  const { paused } = parseInput(z.object({ paused: z.boolean() }), await jsonBody(req));
  const batch = await setBatchPaused(server().db, id, paused, WEB_ACTOR);
  return { id: batch.id, status: batch.status };
});
