import { getContainerDetail } from '@vzferry/db';
import { z } from 'zod';
import { containerDetailSchema } from '@/api/containers';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route(
  {
    access: 'read',
    params: z.object({ id: z.uuid({ message: 'not a container id' }) }),
    output: containerDetailSchema,
  },
  async ({ params }) => getContainerDetail(server().db, params.id),
);
