import { retryRun } from '@vzferry/db';
import { z } from 'zod';
import { server, WEB_ACTOR } from '@/server/context';
import { enqueueFollowUps } from '@/server/follow-up';
import { handle, parseInput } from '@/server/route';

export const dynamic = 'force-dynamic';

/** A failed run goes on from its failed stage (a downtime failure from stop_source). */
export const POST = handle(async (_req, ctx: { params: Promise<{ id: string }> }) => {
  const { db, producer } = server();
  await enqueueFollowUps(producer, await retryRun(db, parseInput(z.uuid(), (await ctx.params).id), WEB_ACTOR));
  return Response.json({ queued: true }, { status: 202 });
});
