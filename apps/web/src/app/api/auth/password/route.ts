import { changePassword } from '@vzferry/db';
import { doneSchema, passwordChangeSchema } from '@/api/auth';
import { authOptions } from '@/server/auth';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** The signed-in user's new password; their other sessions end. */
export const POST = route(
  {
    access: 'read',
    audit: { action: 'auth.password', target: 'User' },
    body: passwordChangeSchema,
    maxBodyBytes: 4096,
    output: doneSchema,
  },
  async ({ body, req, actor, audit, setCookies }) => {
    audit({ targetId: actor.userId });
    setCookies(await changePassword(server().db, authOptions(), req.headers, body));
    return { ok: true };
  },
);
