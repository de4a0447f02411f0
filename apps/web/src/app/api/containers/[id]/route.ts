import { z } from 'zod';
import { containerDetailSchema } from '@/api/containers';
import { route } from '@/server/route';
import { containerSupportView } from '@/server/support-views';

export const dynamic = 'force-dynamic';

export const GET = route(
  {
    access: 'read',
    params: z.object({ id: z.uuid({ message: 'not a container id' }) }),
    output: containerDetailSchema,
  },
  async ({ params }) => containerSupportView(params.id),
);
