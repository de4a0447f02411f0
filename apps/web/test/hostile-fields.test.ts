// Hostile values in every field of the API (issue 13, "bad input"): every
// route's body and query fields and path parameters, found from the zod
// schemas the routes declare, get each of a set of hostile values (a NUL
// byte, 1 MB of text, shell syntax that would create a file if a shell ever
// ran it, a path that climbs out, SQL, unicode that rewrites its display)
// while the rest of the request is valid, sent as an admin. No answer may be
// a 500; an answer that refuses changes no row but writes its audit row (a
// NUL byte in a path's id used to make that row fail); no shell ever runs
// the text. A new route or field is walked without a change here.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyInventory, createBatch, createInventoryImport, startBatch } from '@vzferry/db';
import { sampleInventoryContainer } from '@vzferry/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pipelineSettingsSchema } from '@vzferry/core/settings';
import { routeSpecOf } from '@/server/route';
import { apiRoutes } from './support/api-routes';
import { startRouteHarness, type RouteHarness } from './support/route-harness';

// signing out ends the admin's session the walk runs in; its body is empty anyway
const SKIPPED = new Set(['POST /api/auth/sign-out']);

const canaryDir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-hostile-fields-'));
const canary = path.join(canaryDir, 'ran');

/** What a field gets, one at a time. */
const HOSTILE: Record<string, string> = {
  'NUL byte': 'a\u0000b',
  '1 MB': 'x'.repeat(1024 * 1024),
  'shell $()': `$(touch ${canary})`,
  'shell backticks': `\`touch ${canary}\`;touch ${canary}|touch ${canary}`,
  'path out': '../../../../etc/passwd',
  SQL: `'; DROP TABLE "Container"; --`,
  unicode: '\u202eevil\u202c 😀 é\ufeff\r\n',
};

/** Valid requests where a schema alone cannot tell (refinements, patterns, ids that must exist). */
const BASES: Record<string, () => Json> = {
  'POST /api/batches': () => ({ name: 'walk', containerIds: [ids.spareContainer!] }),
  'POST /api/users': () => ({
    email: 'walk@example.com',
    name: 'Walk',
    role: 'support',
    password: 'a long enough password',
  }),
  'PUT /api/settings/pipeline': () => pipelineSettingsSchema.parse({}) as Json,
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonSchema = Record<string, unknown>;

/** The smallest value a JSON schema accepts, as far as a schema can tell (refinements aside). */
function sample(s: JsonSchema, root: JsonSchema): Json {
  if (typeof s.$ref === 'string') return sample(resolveRef(s.$ref, root), root);
  if ('const' in s) return s.const as Json;
  if (Array.isArray(s.enum)) return s.enum[0] as Json;
  if ('default' in s && s.default !== undefined) return s.default as Json;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = s[key] as JsonSchema[] | undefined;
    if (options) return sample(options.find((o) => o.type !== 'null') ?? options[0]!, root);
  }
  if (Array.isArray(s.allOf)) return sample(s.allOf[0] as JsonSchema, root);
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== 'null') : (s.type as string);
  switch (type) {
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, JsonSchema>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sample(v, root)]));
    }
    case 'array':
      return s.items ? [sample(s.items as JsonSchema, root)] : [];
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number'
        ? s.minimum
        : typeof s.exclusiveMinimum === 'number'
          ? s.exclusiveMinimum + 1
          : 1;
    case 'boolean':
      return false;
    case 'string':
      return sampleString(s);
    default:
      return null;
  }
}

function sampleString(s: JsonSchema): string {
  switch (s.format) {
    case 'uuid':
      return '00000000-0000-4000-8000-0000000000bb';
    case 'email':
      return 'someone@example.com';
    case 'date-time':
      return '2026-12-01T00:00:00.000Z';
    case 'ipv4':
      return '10.1.2.3';
    case 'uri':
      return 'https://example.com/';
  }
  const min = typeof s.minLength === 'number' ? s.minLength : 1;
  return 'a'.repeat(Math.max(min, 1));
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  let node: unknown = root;
  for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Record<string, unknown>)[part];
  return node as JsonSchema;
}

/** Every path to a string (or a place a string may stand) in a sample value. */
function leaves(value: Json, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...at, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...at, k]));
  return [at];
}

function withLeaf(value: Json, at: (string | number)[], leaf: string): Json {
  if (at.length === 0) return leaf;
  const copy = structuredClone(value) as Record<string | number, Json>;
  let node = copy;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[at.at(-1)!] = leaf;
  return copy as Json;
}

function jsonSchemaOf(schema: unknown): JsonSchema | null {
  if (!(schema instanceof z.ZodType)) return null;
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

let h: RouteHarness;
const ids: Record<string, string> = {};
const targets = (await apiRoutes(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])).filter((r) => !SKIPPED.has(r.name));

/** Row counts of every table but the audit log and the sessions (a refused request may write those). */
async function tableCounts(): Promise<Record<string, number>> {
  const tables = await h.t.prisma.$queryRaw<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
      AND table_name NOT IN ('AuditLog', 'Session', 'SignInAttempt', '_prisma_migrations')`;
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await h.t.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${name}"`);
    counts[name] = Number(row!.n);
  }
  return counts;
}

beforeAll(async () => {
  h = await startRouteHarness('hostilefields');
  const host = await h.t.prisma.sourceHost.create({
    data: { name: 'hv-hostile', address: '10.0.0.41', privateKeyEnc: 'v1:x:y:z' },
  });
  const imp = await createInventoryImport(h.t.db, host.id, 'test');
  await applyInventory(h.t.db, host.id, imp.id, [sampleInventoryContainer(401), sampleInventoryContainer(402)]);
  const container = await h.t.prisma.container.findFirstOrThrow({ where: { sourceCtid: 401 } });
  const spare = await h.t.prisma.container.findFirstOrThrow({ where: { sourceCtid: 402 } });
  const customer = await h.t.prisma.customer.create({
    data: { name: 'Hostile Fields Ltd', email: 'ops@hostile-fields.example' },
  });
  const actor = { name: 'test' };
  const batch = await createBatch(h.t.db, { name: 'hostile', containerIds: [container.id] }, actor);
  await startBatch(h.t.db, batch.id, {});
  const run = await h.t.prisma.migrationRun.findFirstOrThrow({ where: { batchId: batch.id } });
  Object.assign(ids, {
    batches: batch.id,
    containers: container.id,
    customers: customer.id,
    hosts: host.id,
    runs: run.id,
    users: h.users.manager.id,
    spareContainer: spare.id,
  });
});
afterAll(async () => {
  await h?.t.drop();
  rmSync(canaryDir, { recursive: true, force: true });
});

it('walks the routes and finds fields in them', () => {
  expect(targets.length).toBeGreaterThanOrEqual(40);
});

describe.each(targets)('$name', ({ method, handler, dir }) => {
  const spec = routeSpecOf(handler)!;
  const paramsOf = () =>
    Object.fromEntries([...dir.matchAll(/(\w+)\/\[(\w+)\]/g)].map((m) => [m[2]!, ids[m[1]!] ?? ids.batches!]));
  const urlOf = (params: Record<string, string>, query: Record<string, string>) => {
    let p = `/api/${dir}`;
    for (const [k, v] of Object.entries(params)) p = p.replace(`[${k}]`, encodeURIComponent(v));
    const qs = new URLSearchParams(query).toString();
    return qs ? `${p}?${qs}` : p;
  };
  const bodySchema = spec.bodyFormat === 'text' ? null : jsonSchemaOf(spec.body);
  const querySchema = jsonSchemaOf(spec.query);
  // built when the test runs: the ids exist by then
  const baseBodyOf = () =>
    BASES[`${method} /api/${dir}`]?.() ?? (bodySchema ? sample(bodySchema, bodySchema) : undefined);
  const baseQuery = (querySchema ? sample(querySchema, querySchema) : {}) as Record<string, Json>;

  interface Case {
    where: string;
    params: Record<string, string>;
    query: Record<string, string>;
    body: Json | undefined;
  }
  const queryOf = () => Object.fromEntries(Object.entries(baseQuery).map(([k, v]) => [k, String(v)]));
  const cases = (): Case[] => {
    const params = paramsOf();
    const query = queryOf();
    const baseBody = baseBodyOf();
    const out: Case[] = [];
    for (const [what, value] of Object.entries(HOSTILE)) {
      for (const k of Object.keys(params))
        out.push({ where: `${what} in the path's ${k}`, params: { ...params, [k]: value }, query, body: baseBody });
      for (const k of Object.keys(query))
        out.push({ where: `${what} in ?${k}`, params, query: { ...query, [k]: value }, body: baseBody });
      if (baseBody !== undefined)
        for (const at of leaves(baseBody))
          out.push({
            where: `${what} in body ${at.join('.') || '(all)'}`,
            params,
            query,
            body: withLeaf(baseBody, at, value),
          });
    }
    return out;
  };

  const send = (c: Omit<Case, 'where'>) =>
    h.call(handler, urlOf(c.params, c.query), {
      method,
      params: c.params,
      ...(c.body !== undefined ? { json: c.body } : method === 'GET' ? {} : { json: {} }),
    });

  it('answers every hostile value without a 500; a refusal changes no row and is audited; no shell runs it', async () => {
    const base = await send({ params: paramsOf(), query: queryOf(), body: baseBodyOf() });
    baseAnswers.set(`${method} /api/${dir}`, base.status);
    const failures: string[] = [];
    for (const c of cases()) {
      const before = await tableCounts();
      const auditBefore = await lastAuditId();
      const res = await send(c);
      if (res.status >= 500) failures.push(`${c.where}: ${res.status} ${res.text.slice(0, 200)}`);
      else if (res.status >= 400 && JSON.stringify(await tableCounts()) !== JSON.stringify(before))
        failures.push(`${c.where}: refused with ${res.status} but changed rows`);
      if (method !== 'GET' && (await lastAuditId()) <= auditBefore) failures.push(`${c.where}: no audit row`);
    }
    expect(failures).toEqual([]);
    expect(existsSync(canary)).toBe(false);
  });
});

const baseAnswers = new Map<string, number>();
const lastAuditId = async () => (await h.t.prisma.auditLog.findFirst({ orderBy: { id: 'desc' } }))?.id ?? 0n;

it('got past the input checks: the valid request it builds from each schema is taken by most routes', () => {
  const taken = [...baseAnswers].filter(([, status]) => status < 400).map(([name]) => name);
  console.log(
    `requests taken as built: ${taken.length} of ${baseAnswers.size}`,
    [...baseAnswers].filter(([, s]) => s >= 400),
  );
  expect(taken.length / baseAnswers.size).toBeGreaterThan(0.6);
});
