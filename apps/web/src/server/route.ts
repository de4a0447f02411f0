// Every /api handler is made by `route`. A route declares in one object who
// may call it (access), what it accepts (path params, query, body and the
// body's cap), what it answers (its output schema) and, when it changes
// something, how the audit log names it. The builder, in this order:
//   1. refuses a state-changing request from another site (Sec-Fetch-Site /
//      Origin): the session cookie alone must not be able to change anything;
//   2. finds the signed-in user and checks the route's access (401, 403);
//   3. refuses a body of another type than the route takes (415; a form or
//      text/plain body is what another site can send without asking);
//   4. reads and parses the input (a body over its cap: 413, bad input: 400);
//   5. runs the handler and sends the answer through the output schema, so a
//      field the schema does not declare (a secret, an internal column)
//      never leaves the server;
//   6. records a state-changing request in the audit log, refused or not.
// Failures become their status in error-response.ts.
import { allows, AppError, formatZodError, type Access, type ErrorCode } from '@vzferry/core';
import { recordAudit } from '@vzferry/db';
import { z } from 'zod';
import { server } from './context';
import { errorResponse } from './error-response';
import { readBody, skipBody, type BodyFormat } from './read-body';
import { actorOf, clientIp, type Actor } from './viewer';

type Schema = z.ZodType;
type Parsed<S> = S extends Schema ? z.output<S> : undefined;
type RouteAccess = Access | 'public';

/** A body over this is refused (413) unless the route sets its own cap. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** What a state-changing route without a body accepts before it refuses (413): an empty JSON object and then some. */
export const NO_BODY_MAX_BYTES = 1024;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuditSpec {
  /** e.g. "batch.start" */
  action: string;
  /** the kind of object it acts on, e.g. "Batch" (the id: the path's `id`, or what the handler says) */
  target: string;
}

export interface RouteOptions<
  A extends RouteAccess,
  P extends Schema | undefined,
  Q extends Schema | undefined,
  B extends Schema | undefined,
  O extends Schema,
> {
  /**
   * Who may call it (packages/core access.ts): the signed-in user's role must
   * allow it; 'public' needs no sign-in (the health check, signing in).
   */
  access: A;
  /** how the audit log names a state-changing request to this route (required for POST, PUT, PATCH, DELETE) */
  audit?: AuditSpec;
  /** the folder's [segments], e.g. z.object({ id: z.uuid() }) */
  params?: P;
  /** the query string, one string per name (the last one wins) */
  query?: Q;
  /** the request body: JSON, or with bodyFormat 'text' the text itself */
  body?: B;
  bodyFormat?: BodyFormat;
  /** the media types a text body may have (default: text/csv) */
  textTypes?: readonly string[];
  /** bytes; a longer body is refused (413) as soon as it passes the cap */
  maxBodyBytes?: number;
  /** the answer: undeclared fields are dropped; Dates and bigints become the text the schema declares */
  output: O;
  /** the status of a success: 201 created, 202 queued */
  status?: 200 | 201 | 202;
  /** 'csv': the answer ({ filename, csv }) is sent as a CSV file to download, not as JSON */
  respond?: 'json' | 'csv';
}

/** The answer of a route that responds with a CSV file. */
export const csvFileSchema = z.object({ filename: z.string().regex(/^[\w.-]+\.csv$/), csv: z.string() });

/** What the handler adds to the request's audit row. */
export interface AuditNote {
  targetId?: string | null;
  details?: Record<string, unknown>;
  /** who it was, when the request itself made them known (signing in) */
  actor?: Actor;
}

export interface RouteInput<A extends RouteAccess, P, Q, B> {
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
  /** who asks: the signed-in user and their address (null only on a public route) */
  actor: A extends 'public' ? Actor | null : Actor;
  /** adds to the audit row of this request */
  audit(note: AuditNote): void;
  /** Set-Cookie header values for the answer (signing in and out) */
  setCookies(values: readonly string[]): void;
  /** the request itself (its headers, for signing in and out) */
  req: Request;
}

/** Next passes the folder's [segments] as a promise. */
interface RouteContext {
  params: Promise<unknown>;
}

type RouteSpec = RouteOptions<RouteAccess, Schema | undefined, Schema | undefined, Schema | undefined, Schema>;

// Symbol.for: the mark survives a second copy of this module (tests, bundles)
const BUILT = Symbol.for('vzferry.route');

export type RouteHandler = ((req: Request, ctx: RouteContext) => Promise<Response>) & { readonly [BUILT]: RouteSpec };

// TypeScript widens a literal a handler returns (`ok: true` becomes boolean)
// before it knows the output schema: an output declared with z.literal needs
// `as const`, or a helper with a declared return type, in the handler.
export function route<
  A extends RouteAccess,
  O extends Schema,
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
>(options: RouteOptions<A, P, Q, B, O>, handler: (input: RouteInput<A, P, Q, B>) => Promise<z.input<O>>): RouteHandler {
  const run = async (req: Request, ctx: RouteContext): Promise<Response> => {
    const request = new RequestState(req, options.audit);
    try {
      // a refused request's audit row names the object it tried to touch (the checked id replaces it below)
      request.targetId = attemptedId(options.params && (await ctx.params));
      refuseCrossSite(req);
      const actor = await authorize(req, options.access, request);
      refuseBodyType(req, options);
      const parsed = await readInput(options, req, ctx);
      request.targetId = idOf(parsed.params);
      // readInput parsed each part with the schema `options` declares for it, which is what RouteInput says
      const input = { ...parsed, actor, req, audit: request.note, setCookies: request.addCookies } as RouteInput<
        A,
        P,
        Q,
        B
      >;
      const answer = toWire(options.output, await handler(input));
      await request.record('ok');
      const res =
        options.respond === 'csv' ? csvResponse(answer) : Response.json(answer, { status: options.status ?? 200 });
      return request.withCookies(res);
    } catch (err) {
      await request.record(codeOf(err));
      return request.withCookies(errorResponse(err, req));
    }
  };
  return Object.assign(run, { [BUILT]: options });
}

/** The options a handler was built with; undefined for anything `route` did not make. */
export function routeSpecOf(value: unknown): RouteSpec | undefined {
  if (typeof value !== 'function' || !(BUILT in value)) return undefined;
  return value[BUILT] as RouteSpec;
}

/** What one request collects on its way: who asked, what the audit row says, the cookies to set. */
class RequestState {
  actor: Actor | null = null;
  targetId: string | null = null;
  readonly #cookies: string[] = [];
  #note: AuditNote = {};

  constructor(
    readonly req: Request,
    readonly auditSpec: AuditSpec | undefined,
  ) {}

  note = (n: AuditNote): void => {
    this.#note = { ...this.#note, ...n, details: { ...this.#note.details, ...n.details } };
  };

  addCookies = (values: readonly string[]): void => {
    this.#cookies.push(...values);
  };

  withCookies(res: Response): Response {
    for (const c of this.#cookies) res.headers.append('set-cookie', c);
    return res;
  }

  /** The audit row of a state-changing request; a failure to write it is logged, never hidden in the answer. */
  async record(outcome: string): Promise<void> {
    if (!STATE_CHANGING.has(this.req.method)) return;
    const spec = this.auditSpec ?? {
      action: `${this.req.method} ${new URL(this.req.url).pathname}`,
      target: 'request',
    };
    const actor = this.#note.actor ?? this.actor;
    try {
      await recordAudit(server().db, {
        actor: actor ?? { name: 'anonymous', ip: clientIp(this.req) },
        action: spec.action,
        targetType: spec.target,
        targetId: this.#note.targetId ?? this.targetId,
        outcome,
        details: this.#note.details && Object.keys(this.#note.details).length ? this.#note.details : undefined,
      });
    } catch (err) {
      console.error(`[web] the audit row of ${spec.action} (${outcome}) could not be written:`, err);
    }
  }
}

/**
 * A state-changing request must come from our own pages. Browsers say where
 * a request comes from (Sec-Fetch-Site, and Origin on every POST); a client
 * that is not a browser says neither and is not what CSRF is about.
 */
function refuseCrossSite(req: Request): void {
  if (!STATE_CHANGING.has(req.method)) return;
  const site = req.headers.get('sec-fetch-site');
  if (site) {
    if (site === 'same-origin' || site === 'none') return;
    throw new AppError('cross_site_request', `a ${site} request may not change anything here`);
  }
  const origin = req.headers.get('origin');
  if (origin !== null && origin !== ownOrigin(req)) {
    throw new AppError('cross_site_request', `a request from ${origin} may not change anything here`);
  }
}

/** The origin the browser sees: the TLS proxy's (X-Forwarded-*) or our own. */
function ownOrigin(req: Request): string {
  const url = new URL(req.url);
  const proto = req.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() || url.protocol.replace(':', '');
  const host = req.headers.get('x-forwarded-host')?.split(',')[0]?.trim() || req.headers.get('host') || url.host;
  return `${proto}://${host}`;
}

async function authorize(req: Request, access: RouteAccess, state: RequestState): Promise<Actor | null> {
  const actor = await actorOf(req);
  state.actor = actor;
  if (access === 'public') return actor;
  if (!actor) throw new AppError('unauthenticated', 'sign in first');
  if (!allows(actor.role, access)) {
    throw new AppError('forbidden', `your role (${actor.role}) does not allow this`);
  }
  return actor;
}

/**
 * A state-changing request carries JSON (or the text type its route takes).
 * A route without a body still refuses a typed body of another kind: a form
 * or text/plain is what another site can send without asking.
 */
function refuseBodyType(req: Request, options: RouteSpec): void {
  if (!STATE_CHANGING.has(req.method)) return;
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!options.body && type === '') return;
  const wanted = options.bodyFormat === 'text' ? (options.textTypes ?? ['text/csv']) : ['application/json'];
  if (!wanted.includes(type)) {
    throw new AppError('unsupported_media_type', `the body must be ${wanted.join(' or ')}, not ${type || 'untyped'}`);
  }
}

async function readInput(
  options: RouteSpec,
  req: Request,
  ctx: RouteContext,
): Promise<Record<'params' | 'query' | 'body', unknown>> {
  if (!options.body && STATE_CHANGING.has(req.method)) await skipBody(req, options.maxBodyBytes ?? NO_BODY_MAX_BYTES);
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

function idOf(params: unknown): string | null {
  if (typeof params !== 'object' || params === null || !('id' in params)) return null;
  return typeof params.id === 'string' ? params.id : null;
}

/** The [id] a request's URL names, before it is checked: capped, since anyone may send it. */
function attemptedId(params: unknown): string | null {
  return idOf(params)?.slice(0, 100) ?? null;
}

function codeOf(err: unknown): ErrorCode {
  if (err instanceof AppError) return err.code;
  if (err instanceof z.ZodError) return 'invalid_input';
  return 'internal';
}

function csvResponse(answer: unknown): Response {
  const { filename, csv } = csvFileSchema.parse(answer);
  return new Response(csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    },
  });
}

function toWire(schema: Schema, answer: unknown): unknown {
  const parsed = schema.safeParse(answer);
  if (parsed.success) return parsed.data;
  // the handler broke its own route's contract: our bug, so a 500 (a ZodError would answer 400)
  throw new Error(`the answer does not match the route's output schema: ${formatZodError(parsed.error)}`);
}
