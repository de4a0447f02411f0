import { AppError } from '@vzferry/core';
import { createInventoryImport } from '@vzferry/db';
import { z } from 'zod';
import { server, WEB_ACTOR } from '@/server/context';
import { handle, parseInput } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Queues an inventory import; the hosts page follows its progress row. */
export const POST = handle(async (_req, ctx: { params: Promise<{ id: string }> }) => {
  const id = parseInput(z.uuid(), (await ctx.params).id);
  const { db, producer } = server();
  const host = await db.sourceHost.findUnique({ where: { id }, select: { name: true, hostKeyState: true } });
  if (host && host.hostKeyState !== 'accepted') {
    throw new AppError('host_key_not_accepted', `accept the SSH host key of ${host.name} before importing`);
  }
  const imp = await createInventoryImport(db, id, WEB_ACTOR.name);
  await producer.enqueue('import_inventory', { sourceHostId: id, importId: imp.id });
  return Response.json({ importId: imp.id }, { status: 202 });
});
