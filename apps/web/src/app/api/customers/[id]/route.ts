// One customer as support sees them: each container's state in words and
// its runs, the notes, the ready-to-send e-mails.
import { z } from 'zod';
import { customerViewSchema } from '@/api/support';
import { route } from '@/server/route';
import { customerSupportView } from '@/server/support-views';

export const dynamic = 'force-dynamic';

export const GET = route(
  {
    access: 'read',
    params: z.object({ id: z.uuid({ message: 'not a customer id' }) }),
    output: customerViewSchema,
  },
  async ({ params }) => customerSupportView(params.id),
);
