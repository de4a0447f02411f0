// The first start without VZFERRY_ADMIN_EMAIL: the one-time link the web app
// logged leads to a form that makes the first admin, once.
import { completeSetup } from '@vzferry/db';
import { setupSchema, userCreatedSchema } from '@/api/auth';
import { authOptions } from '@/server/auth';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const POST = route(
  {
    access: 'public',
    audit: { action: 'auth.setup', target: 'User' },
    body: setupSchema,
    maxBodyBytes: 4096,
    output: userCreatedSchema,
    status: 201,
  },
  async ({ body, audit }) => {
    const user = await completeSetup(server().db, authOptions(), body);
    audit({ targetId: user.id, details: { email: user.email } });
    return user;
  },
);
