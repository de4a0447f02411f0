// Errors that carry a code of the catalogue (error-codes.ts): code that must
// tell errors apart reads the code, the engine reads whether it is
// retryable, the API edge turns it into an HTTP status, and people read the
// message, which says what they need to act.
import type { z } from 'zod';
import { ERROR_CODES, type ErrorCode, type ErrorKind } from './error-codes';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  /** Without a message, the catalogue's sentence for the code. */
  constructor(code: ErrorCode, message?: string, opts: { details?: unknown; cause?: unknown } = {}) {
    super(message ?? ERROR_CODES[code].message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = opts.details;
  }

  get kind(): ErrorKind {
    return ERROR_CODES[this.code].kind;
  }

  /** trying again later may work (the catalogue says so for the code) */
  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${id} does not exist`);
    this.name = 'NotFoundError';
  }
}

/** A message for a log line or the UI from anything thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** zod's issues as one line a person can act on: "name: too long; ports.0: not a number". */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Parses with zod; bad input is an AppError (invalid_input unless told otherwise) that names every problem. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  code: ErrorCode = 'invalid_input',
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new AppError(code, formatZodError(parsed.error), { details: parsed.error.issues });
  return parsed.data;
}
