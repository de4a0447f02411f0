// Signing in: the one route open to anyone. packages/db guards it (a rate
// limit per address, a lockout per account) and records every attempt.
import { signIn } from '@vzferry/db';
import { signedInSchema, signInSchema } from '@/api/auth';
import { authOptions } from '@/server/auth';
import { server } from '@/server/context';
import { route } from '@/server/route';
import { clientIp } from '@/server/viewer';

export const dynamic = 'force-dynamic';

export const POST = route(
  {
    access: 'public',
    audit: { action: 'auth.sign_in', target: 'User' },
    body: signInSchema,
    maxBodyBytes: 4096,
    output: signedInSchema,
  },
  async ({ body, req, audit, setCookies }) => {
    const ip = clientIp(req);
    audit({ details: { email: body.email.toLowerCase() } });
    const { user, cookies } = await signIn(server().db, authOptions(), {
      email: body.email,
      password: body.password,
      ip,
      userAgent: req.headers.get('user-agent'),
    });
    setCookies(cookies);
    audit({ targetId: user.id, actor: { userId: user.id, name: user.name, email: user.email, role: user.role, ip } });
    return { name: user.name, email: user.email, role: user.role };
  },
);
