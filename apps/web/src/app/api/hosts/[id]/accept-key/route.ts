import { acceptHostKey } from '@vzferry/db';
import { z } from 'zod';
import { server, WEB_ACTOR } from '@/server/context';
import { handle, jsonBody, parseInput } from '@/server/route';

export const dynamic = 'force-dynamic';

const bodySchema = z.object({ fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'fingerprint must look like SHA256:<43 base64 characters>') });

/** Pins exactly the fingerprint the engineer saw; the import may start afterwards. */
export const POST = handle(async (req, ctx: { params: Promise<{ id: string }> }) => {
  const id = parseInput(z.uuid(), (await ctx.params).id);
  const { fingerprint } = parseInput(bodySchema, await jsonBody(req));
  const host = await acceptHostKey(server().db, id, fingerprint, WEB_ACTOR);
  return { id: host.id, hostKeyState: host.hostKeyState, hostKeyFingerprint: host.hostKeyFingerprint };
});
