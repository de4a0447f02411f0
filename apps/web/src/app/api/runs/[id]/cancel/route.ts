import { cancelRun } from '@vzferry/db';
import { z } from 'zod';
import { server, WEB_ACTOR } from '@/server/context';
import { enqueueFollowUps } from '@/server/follow-up';
import { handle, parseInput } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Cancels a run at any stage; its box starts the source container again if it was stopped. */
export const POST = handle(async (_req, ctx: { params: Promise<{ id: string }> }) => {
  const { db, producer } = server();
  await enqueueFollowUps(producer, await cancelRun(db, parseInput(z.uuid(), (await ctx.params).id), WEB_ACTOR));
  return Response.json({ queued: true }, { status: 202 });
});
