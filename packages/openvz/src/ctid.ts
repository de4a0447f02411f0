// A container id as vzctl accepts it: a positive decimal integer (envid_t is
// an unsigned int; vzctl.c parse_int rejects anything else). Every command
// builder validates its ctid here, so "101; rm -rf /" never reaches a shell.
import { ctidSchema } from '@vzferry/core';
import type { z } from 'zod';

export type Ctid = z.infer<typeof ctidSchema>;

export class InvalidCtidError extends Error {
  constructor(value: unknown) {
    super(
      `invalid container id (CTID) ${JSON.stringify(String(value))}: a CTID is a positive whole number such as 101`,
    );
    this.name = 'InvalidCtidError';
  }
}

/** A CTID from a number or a string of decimal digits; anything else throws. */
export function toCtid(value: unknown): Ctid {
  const n = typeof value === 'string' && /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : value;
  const parsed = ctidSchema.safeParse(n);
  if (!parsed.success) throw new InvalidCtidError(value);
  return parsed.data;
}
