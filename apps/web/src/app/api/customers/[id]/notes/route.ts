// A note about a customer, by whoever asks (support, an engineer).
import { addNote } from '@vzferry/db';
import { z } from 'zod';
import { newNoteSchema, noteSchema } from '@/api/support';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const POST = route(
  {
    access: 'notes',
    params: z.object({ id: z.uuid({ message: 'not a customer id' }) }),
    body: newNoteSchema,
    maxBodyBytes: 64 * 1024,
    output: noteSchema,
    status: 201,
  },
  async ({ params, body, actor }) => addNote(server().db, { customerId: params.id }, body.body, actor),
);
