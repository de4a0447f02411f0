// A note about one container, by whoever asks (support, an engineer).
import { addNote } from '@vzferry/db';
import { z } from 'zod';
import { newNoteSchema, noteSchema } from '@/api/support';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const POST = route(
  {
    access: 'notes',
    audit: { action: 'note.add', target: 'Container' },
    params: z.object({ id: z.uuid({ message: 'not a container id' }) }),
    body: newNoteSchema,
    maxBodyBytes: 64 * 1024,
    output: noteSchema,
    status: 201,
  },
  async ({ params, body, actor, audit }) => {
    const note = await addNote(server().db, { containerId: params.id }, body.body, actor);
    audit({ details: { noteId: note.id } });
    return note;
  },
);
