// Calls route handlers directly against a test database of its own, with a
// producer that records what would be enqueued (as apps/web/test/api-routes
// does): the routes take their clients from server/context.ts, which keeps
// them on globalThis.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '@vzferry/core';
import { SecretBox } from '@vzferry/db';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import type { Producer } from '@vzferry/queue';
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
  body: { error?: { code: string; message: string; details?: unknown } } & Record<string, unknown>;
}

export interface RouteHarness {
  t: TestDatabase;
  enqueued: Enqueued[];
  call(
    handler: RouteHandler,
    url: string,
    opts?: { method?: string; params?: Record<string, string>; json?: unknown },
  ): Promise<Answer>;
}

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
  return {
    t,
    enqueued,
    async call(handler, url, opts = {}) {
      const body = opts.json !== undefined ? JSON.stringify(opts.json) : undefined;
      const req = new Request(`http://web.test${url}`, {
        method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
        body,
      });
      const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
      const text = await res.text();
      return { status: res.status, text, body: JSON.parse(text) as Answer['body'] };
    },
  };
}
