import { createUser, listUsers } from '@vzferry/db';
import { newUserSchema, userCreatedSchema, userListSchema } from '@/api/auth';
import { authOptions } from '@/server/auth';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route({ access: 'administer', output: userListSchema }, async () => listUsers(server().db));

/** A new user with a role and a first password (they can change it under Account). */
export const POST = route(
  {
    access: 'administer',
    audit: { action: 'user.create', target: 'User' },
    body: newUserSchema,
    maxBodyBytes: 4096,
    output: userCreatedSchema,
    status: 201,
  },
  async ({ body, audit }) => {
    const user = await createUser(server().db, authOptions(), body);
    audit({ targetId: user.id, details: { email: user.email, role: body.role } });
    return user;
  },
);
