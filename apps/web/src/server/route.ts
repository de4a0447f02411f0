// Every /api route handler goes through `handle`: a thrown AppError becomes
// its status and a JSON body { error: { code, message } }; anything else is
// logged and answered 500 without internals (no stack, no SQL, no secret).
import { AppError, errorMessage } from '@vzferry/core';
import type { z } from 'zod';

export function handle<C>(fn: (req: Request, ctx: C) => Promise<unknown>) {
  return async (req: Request, ctx: C): Promise<Response> => {
    try {
      const out = await fn(req, ctx);
      return out instanceof Response ? out : Response.json(out);
    } catch (err) {
      if (err instanceof AppError) return Response.json({ error: { code: err.code, message: err.message } }, { status: err.status });
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
    throw new AppError('invalid_input', detail, { status: 400 });
  }
  return parsed.data;
}

export async function jsonBody(req: Request): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    throw new AppError('invalid_json', 'the request body is not JSON', { status: 400 });
  }
}

export function searchParams(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url).searchParams);
}
