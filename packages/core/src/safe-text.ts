// The one rule for free text that reaches PostgreSQL: its text columns cannot
// hold a NUL byte (U+0000), so text with one would fail deep in a query as a
// database error (a 500). Every schema that takes free text from outside
// starts from safeText() instead, and such input is a 400 naming the field.
import { z } from 'zod';

const NUL = '\u0000';
export const NUL_BYTE_MESSAGE = 'contains a NUL byte, which cannot be stored; remove it';

/** A string without a NUL byte; chain trim(), min(), max() as on z.string(). */
export function safeText(message: string = NUL_BYTE_MESSAGE) {
  return z.string().refine((s) => !s.includes(NUL), message);
}

/** A whole text file (a CSV upload) without a NUL byte; the refusal names the first line that has one. */
export function safeTextFile() {
  return z.string().superRefine((text, ctx) => {
    const at = text.indexOf(NUL);
    if (at < 0) return;
    const line = text.slice(0, at).split('\n').length;
    ctx.addIssue({ code: 'custom', message: `line ${line} ${NUL_BYTE_MESSAGE}: the file must be text` });
  });
}
