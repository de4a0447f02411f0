// The route builder on its own: what it refuses before a handler runs, what a
// thrown error answers, what of an answer reaches the wire, and the audit row
// of every state-changing request (a real database: the rows are read back).
import { AppError, ERROR_CODES, type ErrorCode, type ErrorKind } from '@vzferry/core';
import { listAudit } from '@vzferry/db';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { bigintText, isoDate } from '@/api/wire';
import { csvFileSchema, route, routeSpecOf } from '@/server/route';
import { startRouteHarness, type RouteHarness } from './support/route-harness';

const noParams = { params: Promise.resolve({}) };
const ok = z.object({ ok: z.literal(true) });

function post(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request('http://web.test/api/thing', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    duplex: 'half',
  } as RequestInit);
}

let h: RouteHarness;
beforeAll(async () => {
  h = await startRouteHarness('route');
});
afterAll(async () => {
  await h?.t.drop();
});

async function answer(res: Response): Promise<{
  status: number;
  body: { error?: { code: string; message: string; details?: unknown } } & Record<string, unknown>;
}> {
  return { status: res.status, body: (await res.json()) as never };
}

/** A body that streams `chunk` forever and counts what was pulled. */
function endless(chunk: Uint8Array): {
  stream: ReadableStream<Uint8Array>;
  pulled: () => number;
  cancelled: () => boolean;
} {
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += 1;
      controller.enqueue(chunk);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

afterEach(() => vi.restoreAllMocks());

describe('input', () => {
  const created = route(
    {
      access: 'public',
      params: z.object({ id: z.uuid() }),
      query: z.object({ status: z.enum(['running', 'stopped']).optional() }),
      body: z.object({ name: z.string().min(1, 'a name is needed'), size: z.number().int() }),
      output: z.object({ id: z.string(), status: z.string().nullable(), name: z.string() }),
      status: 201,
    },
    async ({ params, query, body }) => ({ id: params.id, status: query.status ?? null, name: body.name }),
  );
  const id = '6f1c1a52-9d0e-4a65-9a53-2f3f6c0c1a11';
  const call = (url: string, init: RequestInit, params: unknown = { id }) =>
    created(new Request(`http://web.test${url}`, { headers: { 'content-type': 'application/json' }, ...init }), {
      params: Promise.resolve(params),
    });

  it('hands the parsed params, query and body to the handler and answers its status', async () => {
    const res = await answer(
      await call('/api/thing?status=running', { method: 'POST', body: JSON.stringify({ name: 'wave 1', size: 3 }) }),
    );
    expect(res).toEqual({ status: 201, body: { id, status: 'running', name: 'wave 1' } });
  });

  it('refuses a body that is not JSON with invalid_json', async () => {
    const res = await answer(await call('/api/thing', { method: 'POST', body: '{"name": ' }));
    expect(res).toEqual({
      status: 400,
      body: { error: { code: 'invalid_json', message: 'the request body is not JSON' } },
    });
  });

  it('refuses an empty body where JSON is expected', async () => {
    const res = await answer(await call('/api/thing', { method: 'POST' }));
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('invalid_json');
  });

  it('names every refused field at once, from the path, the query and the body', async () => {
    const res = await answer(
      await call(
        '/api/thing?status=paused',
        { method: 'POST', body: JSON.stringify({ name: '', size: 1.5 }) },
        { id: 'nope' },
      ),
    );
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('invalid_input');
    expect(res.body.error?.message).toMatch(
      /^id: Invalid UUID; status: Invalid option: expected one of "running"\|"stopped"; name: a name is needed; size: Invalid input: expected int, received number$/,
    );
    expect(res.body.error?.details).toHaveLength(4);
  });

  it.each([
    ['a wrong type', { name: 'x', size: 'three' }, /^size: Invalid input: expected number, received string$/],
    ['a missing field', { name: 'x' }, /^size: Invalid input: expected number, received undefined$/],
    ['no object at all', [1, 2], /^Invalid input: expected object, received array$/],
  ])('refuses %s in the body with invalid_input', async (_what, body, message) => {
    const res = await answer(await call('/api/thing', { method: 'POST', body: JSON.stringify(body) }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(message) });
  });
});

describe('the body cap', () => {
  const seen = vi.fn();
  const small = route({ access: 'public', body: z.unknown(), maxBodyBytes: 1024, output: ok }, async ({ body }) => {
    seen(body);
    return { ok: true as const };
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    const { stream, pulled } = endless(new Uint8Array(16));
    const res = await answer(await small(post(stream, { 'content-length': '2048' }), noParams));
    expect(res).toEqual({
      status: 413,
      body: { error: { code: 'too_large', message: 'the request body is larger than 1 KiB' } },
    });
    expect(pulled()).toBeLessThanOrEqual(1);
  });

  it('stops reading a body without a length once it passes the cap', async () => {
    const { stream, pulled, cancelled } = endless(new Uint8Array(100).fill(32));
    const res = await answer(await small(post(stream), noParams));
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('too_large');
    // 11 chunks of 100 bytes pass 1 KiB; the stream is endless, so stopping is the only way this test ends
    expect(pulled()).toBeLessThan(15);
    expect(cancelled()).toBe(true);
    expect(seen).not.toHaveBeenCalled();
  });

  it('takes a body of exactly the cap', async () => {
    const res = await small(post(JSON.stringify('x'.repeat(1022))), noParams);
    expect(res.status).toBe(200);
  });

  it('gives a text body to its schema as text, under its own cap', async () => {
    const csv = route(
      {
        access: 'public',
        body: z.string().min(1, 'the file is empty'),
        bodyFormat: 'text',
        maxBodyBytes: 10,
        output: z.object({ lines: z.number() }),
      },
      async ({ body }) => ({
        lines: body.split('\n').length,
      }),
    );
    const text = (body: string) => post(body, { 'content-type': 'text/csv; charset=utf-8' });
    expect(await answer(await csv(text('a,b\n1,2'), noParams))).toEqual({ status: 200, body: { lines: 2 } });
    expect((await csv(text('a,b\n1,2\n3,4'), noParams)).status).toBe(413);
    expect((await answer(await csv(text(''), noParams))).body.error).toEqual({
      code: 'invalid_input',
      message: 'the file is empty',
      details: expect.any(Array),
    });
  });
});

describe('errors', () => {
  const throwing = (err: unknown) =>
    route({ access: 'public', output: ok }, async () => {
      throw err;
    });
  const get = (handler: ReturnType<typeof throwing>) =>
    handler(new Request('http://web.test/api/thing'), noParams).then(answer);

  // written out, not read from http-status.ts: a change of the table has to change this test too
  const expected: Record<ErrorKind, number> = {
    invalid: 400,
    rejected: 422,
    unsupported: 415,
    unauthenticated: 401,
    forbidden: 403,
    rate_limited: 429,
    not_found: 404,
    conflict: 409,
    too_large: 413,
    unavailable: 503,
    failed: 502,
    internal: 500,
  };
  const codeOfKind = (kind: ErrorKind) =>
    (Object.keys(ERROR_CODES) as ErrorCode[]).find((c) => ERROR_CODES[c].kind === kind && c !== 'command_timeout')!;

  it.each(Object.entries(expected).filter(([kind]) => kind !== 'internal'))(
    'answers an AppError of kind %s with %i, its code and message',
    async (kind, status) => {
      const code = codeOfKind(kind as ErrorKind);
      expect(await get(throwing(new AppError(code, `a ${kind} problem`)))).toEqual({
        status,
        body: { error: { code, message: `a ${kind} problem` } },
      });
    },
  );

  it('answers command_timeout with 504, its own status', async () => {
    expect((await get(throwing(new AppError('command_timeout')))).status).toBe(504);
  });

  it('keeps the details an AppError carries', async () => {
    const problems = ['container 101 on hv1 is migrated already', 'container 102 on hv1 vanished'];
    const res = await get(throwing(new AppError('batch_invalid', problems.join('; '), { details: problems })));
    expect(res).toEqual({
      status: 409,
      body: { error: { code: 'batch_invalid', message: problems.join('; '), details: problems } },
    });
  });

  it('answers a ZodError thrown inside the handler with 400 and every issue', async () => {
    const inner = z.object({ endpoint: z.url(), limit: z.bigint().min(1n) });
    const res = await get(
      route({ access: 'public', output: ok }, async () => {
        inner.parse({ endpoint: 'nope', limit: 0n });
        return { ok: true as const };
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'invalid_input',
      message: 'endpoint: Invalid URL; limit: Too small: expected bigint to be >=1',
    });
  });

  it('answers anything else with 500 and the catalogue sentence, and logs it', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await get(
      throwing(new Error('duplicate key value violates unique constraint "SourceHost_name_key" password=hunter2')),
    );
    expect(res).toEqual({ status: 500, body: { error: { code: 'internal', message: ERROR_CODES.internal.message } } });
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|SourceHost|at /);
    expect(log).toHaveBeenCalledOnce();
    expect(String(log.mock.calls[0]![0])).toContain('GET /api/thing');
  });

  it('does not let an AppError of kind internal speak either', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await get(throwing(new AppError('internal', 'SELECT * FROM "Setting" failed')));
    expect(res).toEqual({ status: 500, body: { error: { code: 'internal', message: ERROR_CODES.internal.message } } });
  });

  it('answers something thrown that is not an Error with 500', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect((await get(throwing('a string'))).status).toBe(500);
  });
});

describe('output', () => {
  const get = (handler: ReturnType<typeof route>) =>
    handler(new Request('http://web.test/api/thing'), noParams).then(answer);

  it('sends only what the output schema declares', async () => {
    const settings = route(
      { access: 'public', output: z.object({ endpoint: z.string(), hasSecret: z.boolean() }) },
      async () => ({
        endpoint: 'http://cs:8080/client/api',
        hasSecret: true,
        secretKey: 's3cret-key',
        privateKeyEnc: 'v1:abc',
      }),
    );
    const res = await get(settings);
    expect(res.body).toEqual({ endpoint: 'http://cs:8080/client/api', hasSecret: true });
  });

  it('strips undeclared fields inside arrays and nested objects too', async () => {
    const list = route(
      { access: 'public', output: z.array(z.object({ id: z.string(), host: z.object({ name: z.string() }) })) },
      async () => [{ id: 'a', host: { name: 'hv1', privateKeyEnc: 'v1:abc' }, workDir: '/srv/x' }],
    );
    expect((await get(list)).body).toEqual([{ id: 'a', host: { name: 'hv1' } }]);
  });

  it('turns Dates and bigints into the text the schema declares', async () => {
    const at = new Date('2025-03-01T02:00:00.000Z');
    const run = route(
      {
        access: 'public',
        output: z.object({ at: isoDate, endedAt: isoDate.nullable(), bytes: bigintText, id: bigintText }),
      },
      async () => ({
        at,
        endedAt: null,
        bytes: 12_345_678_901_234_567_890n,
        id: 7n,
      }),
    );
    expect((await get(run)).body).toEqual({
      at: '2025-03-01T02:00:00.000Z',
      endedAt: null,
      bytes: '12345678901234567890',
      id: '7',
    });
  });

  it('answers 500, not 400, when the handler breaks its own output schema', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // the handler's return type is checked at compile time; a value from outside the type system can still break it
    const broken = route(
      { access: 'public', output: z.object({ count: z.number() }) },
      async () => JSON.parse('{"count":"many"}') as { count: number },
    );
    expect((await get(broken)).status).toBe(500);
    expect(String(log.mock.calls[0]?.[1])).toMatch(/count: Invalid input: expected number, received string/);
  });
});

describe('routeSpecOf', () => {
  it('knows the handlers route made, and only those', () => {
    const output = z.object({ ok: z.boolean() });
    expect(routeSpecOf(route({ access: 'public', output }, async () => ({ ok: true })))?.output).toBe(output);
    expect(routeSpecOf(async () => Response.json({}))).toBeUndefined();
    expect(routeSpecOf(undefined)).toBeUndefined();
  });
});

describe('who may ask', () => {
  const started = vi.fn();
  const start = route(
    {
      access: 'operate',
      audit: { action: 'thing.start', target: 'Thing' },
      params: z.object({ id: z.string() }),
      body: z.object({ why: z.string() }),
      output: ok,
    },
    async ({ actor, audit }) => {
      started(actor.role);
      audit({ details: { why: 'a test' } });
      return { ok: true as const };
    },
  );
  const send = (as: 'admin' | 'engineer' | 'support' | 'manager' | null, extra: Record<string, string> = {}) =>
    h.call(start, '/api/things/t-1/start', { as, params: { id: 't-1' }, json: { why: 'now' }, headers: extra });

  it('answers 401 to nobody signed in, before reading the body', async () => {
    expect(await send(null)).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
  });

  it('answers 403 to a role without the access, and runs the handler for one with it', async () => {
    started.mockClear();
    expect(await send('support')).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await send('manager')).toMatchObject({ status: 403 });
    expect(started).not.toHaveBeenCalled();
    expect((await send('engineer')).status).toBe(200);
    expect(started).toHaveBeenCalledWith('engineer');
  });

  it('refuses a state-changing request another site makes, whatever the session', async () => {
    started.mockClear();
    expect(await send('admin', { 'sec-fetch-site': 'cross-site' })).toMatchObject({
      status: 403,
      body: { error: { code: 'cross_site_request' } },
    });
    expect(await send('admin', { 'sec-fetch-site': 'same-site' })).toMatchObject({ status: 403 });
    expect(await send('admin', { origin: 'https://evil.example' })).toMatchObject({ status: 403 });
    expect(started).not.toHaveBeenCalled();
    // our own pages: same-origin, or the Origin the browser sees behind the TLS proxy
    expect((await send('admin', { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await send('admin', { origin: 'http://web.test' })).status).toBe(200);
    expect(
      (
        await send('admin', {
          origin: 'https://vzferry.example',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'vzferry.example',
        })
      ).status,
    ).toBe(200);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''])(
    'refuses a body of type %j with 415 (what a form on another site can send)',
    async (type) => {
      const res = await h.call(start, '/api/things/t-1/start', {
        params: { id: 't-1' },
        body: '{"why":"now"}',
        ...(type ? { contentType: type } : {}),
      });
      expect(res).toMatchObject({ status: 415, body: { error: { code: 'unsupported_media_type' } } });
    },
  );

  it('writes one audit row per state-changing request: who, role, address, action, target, outcome', async () => {
    await send('engineer', { 'x-forwarded-for': '203.0.113.7' });
    await send('support', { 'x-forwarded-for': '203.0.113.8' });
    await send(null, { 'x-forwarded-for': '203.0.113.9' });
    const rows = await listAudit(h.t.db, { action: 'thing.start', limit: 3 });
    expect(rows.map((r) => [r.actor, r.email, r.role, r.ip, r.targetType, r.targetId, r.outcome])).toEqual([
      // a refused request's row names the object it tried to touch
      ['anonymous', null, null, '203.0.113.9', 'Thing', 't-1', 'unauthenticated'],
      ['The support', 'support@vzferry.test', 'support', '203.0.113.8', 'Thing', 't-1', 'forbidden'],
      ['The engineer', 'engineer@vzferry.test', 'engineer', '203.0.113.7', 'Thing', 't-1', 'ok'],
    ]);
    expect(rows[2]!.details).toEqual({ why: 'a test' });
  });

  it('records the address the nearest proxy saw, not one the client wrote into X-Forwarded-For', async () => {
    // a proxy that appends ($proxy_add_x_forwarded_for) keeps what the client sent in front of what it saw
    await send(null, { 'x-forwarded-for': '198.51.100.66, 203.0.113.10' });
    const [row] = await listAudit(h.t.db, { action: 'thing.start', limit: 1 });
    expect(row!.ip).toBe('203.0.113.10');
  });

  it('writes no audit row for a read', async () => {
    const read = route({ access: 'read', output: ok }, async () => ({ ok: true as const }));
    const before = (await listAudit(h.t.db, { limit: 500 })).length;
    expect((await h.call(read, '/api/read', { as: 'support' })).status).toBe(200);
    expect((await listAudit(h.t.db, { limit: 500 })).length).toBe(before);
  });
});

describe("respond: 'csv'", () => {
  const download = route(
    {
      access: 'report',
      query: z.object({ name: z.string().min(1, 'a name is needed') }),
      output: csvFileSchema,
      respond: 'csv',
    },
    async ({ query }) => {
      if (query.name === 'missing') throw new AppError('not_found', 'there is no such table');
      return { filename: `${query.name}.csv`, csv: 'a,b\r\n1,2\r\n' };
    },
  );
  const get = (qs: string, as: 'manager' | 'support' = 'manager') => h.call(download, `/api/x?${qs}`, { as });

  it('answers the text as a file to download with its name, not kept by caches', async () => {
    const res = await get('name=hosts');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="hosts.csv"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text).toBe('a,b\r\n1,2\r\n');
  });

  it('never puts a file name that could break out of its header into it (500, our bug)', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await get(`name=${encodeURIComponent('a"; evil=1\r\nx')}`);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-disposition')).toBeNull();
    expect(log).toHaveBeenCalled();
  });

  it('leaves refusals and errors as JSON with their status', async () => {
    expect(await get('name=')).toMatchObject({ status: 400, body: { error: { message: 'name: a name is needed' } } });
    const missing = await get('name=missing');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json');
    expect(await get('name=hosts', 'support')).toMatchObject({ status: 403 });
  });
});
