// Errors that carry a stable code (for code that must tell them apart and for
// the UI, which shows `message` as written) and what a person needs to act.
export class AppError extends Error {
  readonly code: string;
  /** HTTP status the API edge answers with */
  readonly status: number;
  readonly details?: unknown;

  constructor(code: string, message: string, opts: { status?: number; details?: unknown; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = opts.status ?? 400;
    this.details = opts.details;
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${id} does not exist`, { status: 404 });
    this.name = 'NotFoundError';
  }
}

/** A message for a log line or the UI from anything thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
