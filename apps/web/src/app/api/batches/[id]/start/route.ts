import { startBatch } from '@vzferry/db';
import { z } from 'zod';
import { server, WEB_ACTOR } from '@/server/context';
import { handle, parseInput } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Starts a draft batch now; the schedulers of the converter boxes take its runs. */
export const POST = handle(async (_req, ctx: { params: Promise<{ id: string }> }) => {
  const batch = await startBatch(server().db, parseInput(z.uuid(), (await ctx.params).id), {}, WEB_ACTOR);
  return { id: batch.id, status: batch.status };
});
