// Walks every route file under app/api and sends each state-changing handler
// (POST, PUT, PATCH, DELETE) the requests it must refuse before it does
// anything: nobody signed in (401), a role without the route's access (403),
// a request from another site (403), a body another site can send without
// asking (text/plain: 415) and a body over the route's cap (413). Each
// refusal has its audit row, and no other table changes. Every GET handler
// is walked too: nobody signed in (401) and each role without its access
// (403) read nothing. A new route file is walked without a change here.
import { allows, ROLES, type Role } from '@vzferry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES, NO_BODY_MAX_BYTES, routeSpecOf } from '@/server/route';
import { apiRoutes, type ApiRoute } from './support/api-routes';
import { startRouteHarness, type RouteHarness } from './support/route-harness';

const STATE_CHANGING = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
const SOME_ID = '00000000-0000-4000-8000-0000000000aa';

interface Target extends ApiRoute {
  url: string;
  params: Record<string, string>;
}

/** Every handler of these methods, with a URL and params made from its folder names. */
async function routesOf(methods: readonly string[]): Promise<Target[]> {
  return (await apiRoutes(methods)).map((r) => ({
    ...r,
    params: Object.fromEntries([...r.dir.matchAll(/\[(\w+)\]/g)].map((m) => [m[1]!, SOME_ID])),
    url: `/api/${r.dir.replace(/\[(\w+)\]/g, SOME_ID)}`,
  }));
}

let h: RouteHarness;
const targets = await routesOf(STATE_CHANGING);
const reads = await routesOf(['GET']);

/** Row counts of every table but the ones a refused request may write (its audit row, nothing else). */
async function tableCounts(): Promise<Record<string, number>> {
  const tables = await h.t.prisma.$queryRaw<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
      AND table_name NOT IN ('AuditLog', '_prisma_migrations')`;
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await h.t.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${name}"`);
    counts[name] = Number(row!.n);
  }
  return counts;
}

const lastAuditId = async () => (await h.t.prisma.auditLog.findFirst({ orderBy: { id: 'desc' } }))?.id ?? 0n;

beforeAll(async () => {
  h = await startRouteHarness('routewalk');
});
afterAll(async () => {
  await h?.t.drop();
});

it('finds the state-changing routes and the reads', () => {
  expect(targets.length).toBeGreaterThanOrEqual(20);
  expect(reads.length).toBeGreaterThanOrEqual(20);
});

describe.each(targets)('$name', ({ method, handler, url, params }) => {
  const spec = routeSpecOf(handler)!;
  const access = spec.access;
  const outsiders: Role[] = access === 'public' ? [] : ROLES.filter((r) => !allows(r, access));
  const cap = spec.body ? (spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES) : (spec.maxBodyBytes ?? NO_BODY_MAX_BYTES);
  const json = spec.bodyFormat === 'text' ? (spec.textTypes?.[0] ?? 'text/csv') : 'application/json';
  const send = (opts: Parameters<RouteHarness['call']>[2]) => h.call(handler, url, { method, params, ...opts });

  it('refuses each request it must, writes its audit row and changes nothing else', async () => {
    const before = await tableCounts();
    const auditBefore = await lastAuditId();
    const answers: { what: string; status: number; code: string | undefined }[] = [];
    const record = async (what: string, opts: Parameters<RouteHarness['call']>[2]) => {
      const res = await send(opts);
      answers.push({ what, status: res.status, code: res.body.error?.code });
    };

    if (spec.access !== 'public') await record('no session', { as: null, body: '{}', contentType: json });
    for (const role of outsiders) await record(`role ${role}`, { as: role, body: '{}', contentType: json });
    await record('cross-site', { body: '{}', contentType: json, headers: { 'sec-fetch-site': 'cross-site' } });
    await record('another origin', { body: '{}', contentType: json, headers: { origin: 'https://evil.example' } });
    await record('text/plain', { body: '{}', contentType: 'text/plain' });
    await record('oversized', { body: 'x'.repeat(cap + 1), contentType: json });

    const expected = [
      ...(spec.access !== 'public' ? [{ what: 'no session', status: 401, code: 'unauthenticated' }] : []),
      ...outsiders.map((role) => ({ what: `role ${role}`, status: 403, code: 'forbidden' })),
      { what: 'cross-site', status: 403, code: 'cross_site_request' },
      { what: 'another origin', status: 403, code: 'cross_site_request' },
      { what: 'text/plain', status: 415, code: 'unsupported_media_type' },
      { what: 'oversized', status: 413, code: 'too_large' },
    ];
    expect(answers).toEqual(expected);
    const rows = await h.t.prisma.auditLog.findMany({ where: { id: { gt: auditBefore } }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.outcome)).toEqual(expected.map((e) => e.code));
    // each refused row names the object the request tried to touch
    for (const r of rows) expect(r.targetId).toBe(params.id ?? null);
    expect(await tableCounts()).toEqual(before);
  });
});

describe.each(reads)('$name', ({ method, handler, url, params }) => {
  const access = routeSpecOf(handler)!.access;
  const outsiders: Role[] = access === 'public' ? [] : ROLES.filter((r) => !allows(r, access));

  it.skipIf(access === 'public')('answers 401 without a session and 403 to each role without its access', async () => {
    const answers = [{ what: 'no session', res: await h.call(handler, url, { method, params, as: null }) }];
    for (const role of outsiders)
      answers.push({ what: `role ${role}`, res: await h.call(handler, url, { method, params, as: role }) });
    expect(answers.map((a) => [a.what, a.res.status, a.res.body.error?.code])).toEqual([
      ['no session', 401, 'unauthenticated'],
      ...outsiders.map((role) => [`role ${role}`, 403, 'forbidden']),
    ]);
  });
});
