// Every /api handler is made by `route`. A route declares in one object what
// it accepts (path params, query, body and the body's cap) and what it
// answers (its output schema); the builder reads and parses the input, runs
// the handler, and sends the answer through the output schema, so a field
// the schema does not declare (a secret, an internal column) never leaves
// the server. Failures become their status in error-response.ts.
import { formatZodError, type Access } from '@vzferry/core';
import { z } from 'zod';
import { errorResponse } from './error-response';
import { readBody, type BodyFormat } from './read-body';
import { actorOf, type Actor } from './viewer';

type Schema = z.ZodType;
type Parsed<S> = S extends Schema ? z.output<S> : undefined;

/** A body over this is refused (413) unless the route sets its own cap. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface RouteOptions<
  P extends Schema | undefined,
  Q extends Schema | undefined,
  B extends Schema | undefined,
  O extends Schema,
> {
  /**
   * Who may call it (packages/core access.ts): the signed-in user's role must
   * allow it; 'public' needs no sign-in (the health check).
   */
  access: Access | 'public';
  /** the folder's [segments], e.g. z.object({ id: z.uuid() }) */
  params?: P;
  /** the query string, one string per name (the last one wins) */
  query?: Q;
  /** the request body: JSON, or with bodyFormat 'text' the text itself */
  body?: B;
  bodyFormat?: BodyFormat;
  /** bytes; a longer body is refused (413) as soon as it passes the cap */
  maxBodyBytes?: number;
  /** the answer: undeclared fields are dropped; Dates and bigints become the text the schema declares */
  output: O;
  /** the status of a success: 201 created, 202 queued */
  status?: 200 | 201 | 202;
}

export interface RouteInput<P, Q, B> {
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
  /** who asks: the signed-in user and their address (what they change is recorded with it) */
  actor: Actor;
}

/** Next passes the folder's [segments] as a promise. */
interface RouteContext {
  params: Promise<unknown>;
}

type RouteSpec = RouteOptions<Schema | undefined, Schema | undefined, Schema | undefined, Schema>;

// Symbol.for: the mark survives a second copy of this module (tests, bundles)
const BUILT = Symbol.for('vzferry.route');

export type RouteHandler = ((req: Request, ctx: RouteContext) => Promise<Response>) & { readonly [BUILT]: RouteSpec };

// TypeScript widens a literal a handler returns (`ok: true` becomes boolean)
// before it knows the output schema: an output declared with z.literal needs
// `as const`, or a helper with a declared return type, in the handler.
export function route<
  O extends Schema,
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
>(options: RouteOptions<P, Q, B, O>, handler: (input: RouteInput<P, Q, B>) => Promise<z.input<O>>): RouteHandler {
  const run = async (req: Request, ctx: RouteContext): Promise<Response> => {
    try {
      // readInput returns each part parsed by the schema `options` declares for it, which is what RouteInput says
      const parsed = await readInput(options, req, ctx);
      const input = { ...parsed, actor: await actorOf(req) } as RouteInput<P, Q, B>;
      const answer = toWire(options.output, await handler(input));
      return Response.json(answer, { status: options.status ?? 200 });
    } catch (err) {
      return errorResponse(err, req);
    }
  };
  return Object.assign(run, { [BUILT]: options });
}

/** The options a handler was built with; undefined for anything `route` did not make. */
export function routeSpecOf(value: unknown): RouteSpec | undefined {
  if (typeof value !== 'function' || !(BUILT in value)) return undefined;
  return value[BUILT] as RouteSpec;
}

async function readInput(
  options: RouteSpec,
  req: Request,
  ctx: RouteContext,
): Promise<Record<'params' | 'query' | 'body', unknown>> {
  const raw = {
    params: options.params && (await ctx.params),
    query: options.query && Object.fromEntries(new URL(req.url).searchParams),
    body:
      options.body &&
      (await readBody(req, options.bodyFormat ?? 'json', options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)),
  };
  const issues: z.core.$ZodIssue[] = [];
  const parse = async (schema: Schema | undefined, value: unknown): Promise<unknown> => {
    if (!schema) return undefined;
    const parsed = await schema.safeParseAsync(value);
    if (!parsed.success) issues.push(...parsed.error.issues);
    return parsed.data;
  };
  const input = {
    params: await parse(options.params, raw.params),
    query: await parse(options.query, raw.query),
    body: await parse(options.body, raw.body),
  };
  // every refused field at once, wherever it was: the path, the query or the body
  if (issues.length > 0) throw new z.ZodError(issues);
  return input;
}

function toWire(schema: Schema, answer: unknown): unknown {
  const parsed = schema.safeParse(answer);
  if (parsed.success) return parsed.data;
  // the handler broke its own route's contract: our bug, so a 500 (a ZodError would answer 400)
  throw new Error(`the answer does not match the route's output schema: ${formatZodError(parsed.error)}`);
}
