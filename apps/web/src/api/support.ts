// What support reads about a customer and writes: each container's state in
// words, its runs as a timeline, the ready-to-send e-mails, and the notes.
// Times are already words in the customer's zone (core support/).
import { safeText } from '@vzferry/core/safe-text';
import { z } from 'zod';
import { isoDate } from './wire';

export const NOTE_MAX_CHARS = 4000;

/** A new note: text without a NUL byte, up to NOTE_MAX_CHARS once trimmed. */
export const newNoteSchema = z.object({
  body: safeText('the note contains a NUL byte; remove it')
    .transform((s) => s.trim())
    .pipe(
      z
        .string()
        .min(1, 'a note needs some text')
        .max(NOTE_MAX_CHARS, `a note holds at most ${NOTE_MAX_CHARS} characters`),
    ),
});
export type NewNote = z.input<typeof newNoteSchema>;

export const noteSchema = z.object({
  id: z.string(),
  body: z.string(),
  authorName: z.string(),
  createdAt: isoDate,
  /** the container it is about; null for a note about the customer */
  container: z.object({ id: z.string(), sourceCtid: z.number().int(), hostname: z.string().nullable() }).nullable(),
});
export type Note = z.output<typeof noteSchema>;

export const containerStateSchema = z.object({ kind: z.string(), text: z.string() });

export const timelineEntrySchema = z.object({
  runId: z.string(),
  batch: z.object({ id: z.string(), name: z.string() }),
  outcome: z.string(),
  started: z.string(),
  ended: z.string().nullable(),
  stageReached: z.string().nullable(),
  downtime: z.string().nullable(),
  failure: z.object({ summary: z.string(), detail: z.string().nullable() }).nullable(),
  vm: z.object({ name: z.string(), id: z.string().nullable(), networks: z.array(z.string()) }).nullable(),
});
export type TimelineEntry = z.output<typeof timelineEntrySchema>;

const emailSchema = z.object({ subject: z.string(), body: z.string(), containers: z.array(z.string()) }).nullable();

export const customerViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  timezone: z.string(),
  containers: z.array(
    z.object({
      id: z.string(),
      sourceCtid: z.number().int(),
      hostname: z.string().nullable(),
      hostName: z.string(),
      ips: z.array(z.string()),
      downtimeWindow: z.string().nullable(),
      state: containerStateSchema,
      timeline: z.array(timelineEntrySchema),
    }),
  ),
  notes: z.array(noteSchema),
  emails: z.object({ scheduled: emailSchema, done: emailSchema, problem: emailSchema }),
});
export type CustomerView = z.output<typeof customerViewSchema>;
export type CustomerContainer = CustomerView['containers'][number];
export type CustomerEmail = NonNullable<CustomerView['emails']['scheduled']>;
