import { changeUser } from '@vzferry/db';
import { userChangedSchema, userChangeSchema } from '@/api/auth';
import { idParamsSchema } from '@/api/wire';
import { authOptions } from '@/server/auth';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** A user's role, disabled or enabled, a new password: their sessions end. */
export const PATCH = route(
  {
    access: 'administer',
    audit: { action: 'user.change', target: 'User' },
    params: idParamsSchema,
    body: userChangeSchema,
    maxBodyBytes: 4096,
    output: userChangedSchema,
  },
  async ({ params, body, audit }) => {
    const changed = await changeUser(server().db, authOptions(), params.id, body);
    audit({
      details: {
        changed,
        ...(body.role && { role: body.role }),
        ...(body.disabled !== undefined && { disabled: body.disabled }),
      },
    });
    return { changed };
  },
);
