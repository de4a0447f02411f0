import { NotFoundError } from '@vzferry/core';
import { z } from 'zod';
import { server } from '@/server/context';
import { handle, parseInput } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Looks at the host's SSH key again (after a reinstall, or a refused changed key). */
export const POST = handle(async (_req, ctx: { params: Promise<{ id: string }> }) => {
  const id = parseInput(z.uuid(), (await ctx.params).id);
  const { db, producer } = server();
  if (!(await db.sourceHost.findUnique({ where: { id }, select: { id: true } }))) throw new NotFoundError('source host', id);
  await producer.enqueue('probe_host_key', { sourceHostId: id });
  return Response.json({ queued: true }, { status: 202 });
});
