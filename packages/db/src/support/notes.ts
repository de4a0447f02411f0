// Notes support and engineers write about a customer or one container. A
// note keeps its author's name as it was, so it still says who wrote it
// after the user is renamed or removed (the API's audit row records who wrote one).
import { type Actor, NotFoundError, parseInput, safeText } from '@vzferry/core';
import { z } from 'zod';
import { type Db, prismaOf } from '../client';

export const NOTE_MAX_CHARS = 4000;

export const noteBodySchema = safeText('the note contains a NUL byte; remove it')
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, 'a note needs some text')
      .max(NOTE_MAX_CHARS, `a note holds at most ${NOTE_MAX_CHARS} characters`),
  );

export type NoteSubject = { customerId: string } | { containerId: string };

const NOTE_SELECT = {
  id: true,
  body: true,
  authorName: true,
  createdAt: true,
  container: { select: { id: true, sourceCtid: true, hostname: true } },
} as const;

export async function addNote(db: Db, subject: NoteSubject, body: string, actor: Actor) {
  const client = prismaOf(db);
  const text = parseInput(noteBodySchema, body);
  return client.$transaction(async (tx) => {
    const exists =
      'customerId' in subject
        ? await tx.customer.count({ where: { id: subject.customerId } })
        : await tx.container.count({ where: { id: subject.containerId } });
    if (!exists)
      throw 'customerId' in subject
        ? new NotFoundError('customer', subject.customerId)
        : new NotFoundError('container', subject.containerId);
    const note = await tx.note.create({
      data: { ...subject, body: text, authorId: actor.userId ?? null, authorName: actor.name },
      select: NOTE_SELECT,
    });
    return note;
  });
}

/** Notes about the customer and about any of its containers, newest first. */
export async function listCustomerNotes(db: Db, customerId: string, take = 200) {
  return prismaOf(db).note.findMany({
    where: { OR: [{ customerId }, { container: { customerId } }] },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
    select: NOTE_SELECT,
  });
}

export async function listContainerNotes(db: Db, containerId: string, take = 200) {
  return prismaOf(db).note.findMany({
    where: { containerId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
    select: NOTE_SELECT,
  });
}
