// Calls route handlers directly against a test database of its own, the way
// Next calls them, with a signed-in user of each role: the routes take their
// clients from server/context.ts (kept on globalThis), the sessions are real
// (packages/db's sign-in, its cookie), and queue work goes to a producer that
// records what would be enqueued instead of Redis.
import { randomBytes } from 'node:crypto';
import { loadConfig, ROLES, type Role } from '@vzferry/core';
import { createUser, SecretBox, signIn } from '@vzferry/db';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import type { Producer } from '@vzferry/queue';
import { authOptions } from '@/server/auth';
import type { RouteHandler } from '@/server/route';

export interface Enqueued {
  name: string;
  payload: unknown;
  boxId?: string;
  jobId?: string;
}

export interface Answer {
  status: number;
  text: string;
  headers: Headers;
  body: { error?: { code: string; message: string; details?: unknown } } & Record<string, unknown>;
}

export interface CallOptions {
  method?: string;
  params?: Record<string, string>;
  /** a JSON body (sent as application/json unless contentType says otherwise) */
  json?: unknown;
  /** a body as it is */
  body?: BodyInit;
  contentType?: string;
  /** the signed-in user's role (default admin); null: nobody signed in */
  as?: Role | null;
  headers?: Record<string, string>;
}

export interface RouteHarness {
  t: TestDatabase;
  enqueued: Enqueued[];
  /** the user of each role, signed in */
  users: Record<Role, { id: string; email: string; name: string; cookie: string }>;
  call(handler: RouteHandler, url: string, opts?: CallOptions): Promise<Answer>;
}

export const HARNESS_PASSWORD = 'correct horse battery staple';

export async function startRouteHarness(label: string): Promise<RouteHarness> {
  const t = await createTestDatabase(label);
  const enqueued: Enqueued[] = [];
  const producer: Producer = {
    async enqueue(name, payload, o) {
      enqueued.push({ name, payload, boxId: o?.boxId, jobId: o?.jobId });
      return `job-${enqueued.length}`;
    },
    async ensure(name, payload, o) {
      enqueued.push({ name, payload, boxId: o.boxId, jobId: o.jobId });
      return 'added';
    },
    async close() {},
  };
  const holder = globalThis as typeof globalThis & { __vzferry?: unknown };
  holder.__vzferry = {
    config: loadConfig({ DATABASE_URL: t.url }),
    db: t.db,
    secrets: new SecretBox(randomBytes(32)),
    producer,
  };
  const users = await signInEveryRole(t);
  return {
    t,
    enqueued,
    users,
    call: (handler, url, opts = {}) => callRoute(users, handler, url, opts),
  };
}

async function signInEveryRole(t: TestDatabase): Promise<RouteHarness['users']> {
  const entries = await Promise.all(
    ROLES.map(async (role) => {
      const email = `${role}@vzferry.test`;
      const name = `The ${role}`;
      const { id } = await createUser(t.db, authOptions(), { email, name, role, password: HARNESS_PASSWORD });
      const { cookies } = await signIn(t.db, authOptions(), {
        email,
        password: HARNESS_PASSWORD,
        ip: '192.0.2.10',
        userAgent: 'vitest',
      });
      // "name=value; Path=/; HttpOnly ..." → "name=value"
      const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
      return [role, { id, email, name, cookie }] as const;
    }),
  );
  return Object.fromEntries(entries) as RouteHarness['users'];
}

async function callRoute(
  users: RouteHarness['users'],
  handler: RouteHandler,
  url: string,
  opts: CallOptions,
): Promise<Answer> {
  const body = opts.json !== undefined ? JSON.stringify(opts.json) : opts.body;
  const headers = new Headers(opts.headers);
  const contentType = opts.contentType ?? (opts.json !== undefined ? 'application/json' : undefined);
  if (contentType) headers.set('content-type', contentType);
  const role = opts.as === undefined ? 'admin' : opts.as;
  if (role) headers.set('cookie', users[role].cookie);
  const req = new Request(`http://web.test${url}`, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    body,
    headers,
    duplex: 'half',
  } as RequestInit);
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  const isJson = res.headers.get('content-type')?.includes('json');
  return { status: res.status, text, headers: res.headers, body: (isJson ? JSON.parse(text) : {}) as Answer['body'] };
}
