import { signOut } from '@vzferry/db';
import { doneSchema } from '@/api/auth';
import { authOptions } from '@/server/auth';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Ends this browser's session. */
export const POST = route(
  { access: 'read', audit: { action: 'auth.sign_out', target: 'User' }, output: doneSchema },
  async ({ req, actor, audit, setCookies }) => {
    audit({ targetId: actor.userId });
    setCookies(await signOut(server().db, authOptions(), req.headers));
    return { ok: true };
  },
);
