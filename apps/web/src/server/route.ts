// Every /api route handler goes through `handle`: a thrown AppError becomes
// its status and a JSON body { error: { code, message } }; anything else is
// logged and answered 500 without internals (no stack, no SQL, no secret).
import { AppError, errorMessage, type ErrorKind } from '@vzferry/core';
import type { z } from 'zod';

const STATUS: Record<ErrorKind, number> = { invalid: 400, rejected: 422, not_found: 404, conflict: 409, too_large: 413, unavailable: 503, failed: 502, internal: 500 };

export function handle<C>(fn: (req: Request, ctx: C) => Promise<unknown>) {
  return async (req: Request, ctx: C): Promise<Response> => {
    try {
      const out = await fn(req, ctx);
      return out instanceof Response ? out : Response.json(out);
    } catch (err) {
      if (err instanceof AppError) return Response.json({ error: { code: err.code, message: err.message } }, { status: STATUS[err.kind] });
      console.error(`[web] ${req.method} ${new URL(req.url).pathname}: ${errorMessage(err)}`);
      return Response.json({ error: { code: 'internal', message: 'internal error; see the web server log' } }, { status: 500 });
    }
  };
}

/** Parses with zod; a bad input is a 400 that names every problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
    throw new AppError('invalid_input', detail);
  }
  return parsed.data;
}

export async function jsonBody(req: Request): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    throw new AppError('invalid_json', 'the request body is not JSON');
  }
}

export function searchParams(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url).searchParams);
}
