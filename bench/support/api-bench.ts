// bench/api's measuring process: a fresh database filled by
// migration-fixture.ts, then every GET route under apps/web/src/app/api,
// found on disk so a route added later is measured too, called through its
// handler (input parsing, the query, the output schema, the JSON) many
// times; p50/p95 per request and the slowest. Goal: p95 under 300 ms.
import { randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadConfig, nearestRankPercentile } from '@vzferry/core';
import { createUser, SecretBox } from '@vzferry/db';
import { createTestDatabase } from '@vzferry/db/testing';
import type { Producer } from '@vzferry/queue';
import { seedMigration, type MigrationFixture } from './migration-fixture';
import { table, type BenchResult } from './results';

const API_DIR = path.resolve(import.meta.dirname, '../../apps/web/src/app/api');
const TIMES = Number(process.env.BENCH_API_TIMES ?? 30);
const WARM_UP = 3;
const BUDGET_MS = 300;

type Handler = (req: Request, ctx: { params: Promise<unknown> }) => Promise<Response>;
interface Case {
  label: string;
  url: string;
  params?: Record<string, string>;
}

/** What each route is asked, by its folder under app/api; a route not listed is called once as it is. */
function casesOf(f: MigrationFixture, hostId: string, customerId: string): Record<string, Case[]> {
  return {
    containers: [
      { label: 'first page', url: '' },
      { label: 'host + status, page 5', url: `?hostId=${hostId}&status=running&page=5` },
      { label: 'migration state failed', url: '?migrationState=failed' },
      { label: 'search by IP prefix', url: '?q=10.0.12.' },
      { label: 'search by customer', url: `?q=${encodeURIComponent('Customer 77')}` },
      { label: 'search by CTID', url: '?q=2500' },
      { label: '500 a page', url: '?pageSize=500' },
    ],
    'containers/[id]': [{ label: 'with its runs', url: '', params: { id: f.containerId } }],
    customers: [
      { label: 'first 200', url: '' },
      { label: 'search', url: `?q=${encodeURIComponent('customer 42')}` },
      { label: 'search by e-mail domain', url: '?q=example.com' },
    ],
    'customers/[id]': [{ label: 'three containers and their runs', url: '', params: { id: customerId } }],
    search: [
      { label: 'a name with a typo', url: `?q=${encodeURIComponent('Custmer 77')}` },
      { label: 'an IP', url: '?q=10.0.12.5' },
      { label: 'an e-mail', url: '?q=c77%40example.com' },
    ],
    'batches/[id]': [{ label: 'running, 100 runs', url: '', params: { id: f.batchId } }],
    'batches/[id]/plan': [{ label: 'running, 100 runs', url: '', params: { id: f.batchId } }],
    'runs/[id]': [
      { label: 'with its log', url: '', params: { id: f.runId } },
      { label: '5,000 log lines', url: '', params: { id: f.noisyRunId } },
    ],
    'report/csv': ['daily', 'downtime', 'failures', 'hosts', 'customers'].map((table) => ({
      label: table,
      url: `?table=${table}`,
    })),
  };
}

function getRoutes(): string[] {
  return readdirSync(API_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => /(^|\/)route\.ts$/.test(f))
    .map((f) => path.dirname(f))
    .sort();
}

/** An admin signed in through the sign-in route: every request pays for its session lookup, as in use. */
async function signedInCookie(db: Parameters<typeof createUser>[0]): Promise<string> {
  const { authOptions } = (await import(pathToFileURL(path.resolve(API_DIR, '../../server/auth.ts')).href)) as {
    authOptions: () => Parameters<typeof createUser>[1];
  };
  const login = { email: 'bench@example.com', password: 'bench password, long enough' };
  await createUser(db, authOptions(), { ...login, name: 'Bench', role: 'admin' });
  const signIn = (await import(pathToFileURL(path.join(API_DIR, 'auth/sign-in/route.ts')).href)) as { POST: Handler };
  const res = await signIn.POST(
    new Request('http://bench.test/api/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(login),
    }),
    { params: Promise.resolve({}) },
  );
  if (!res.ok) throw new Error(`bench: signing in answered ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

let cookie = '';

async function measure(handler: Handler, c: Case, route: string): Promise<number[]> {
  const once = async () => {
    const req = new Request(`http://bench.test/api/${route}${c.url}`, { headers: { cookie } });
    const t0 = performance.now();
    const res = await handler(req, { params: Promise.resolve(c.params ?? {}) });
    await res.text();
    const ms = performance.now() - t0;
    if (!res.ok) throw new Error(`GET /api/${route}${c.url} answered ${res.status}`);
    return ms;
  };
  for (let i = 0; i < WARM_UP; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < TIMES; i++) samples.push(await once());
  return samples.sort((a, b) => a - b);
}

const producer: Producer = { enqueue: async () => 'bench', ensure: async () => 'added', close: async () => {} };

const t = await createTestDatabase('benchapi');
try {
  const t0 = performance.now();
  const fixture = await seedMigration(t, new Date());
  const { containers, runs, stageRuns, events } = fixture.counts;
  console.log(
    `api: ${containers} containers, ${runs} runs, ${stageRuns} stage attempts, ${events} log lines ` +
      `(seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s); ${TIMES} calls each after ${WARM_UP} to warm up`,
  );
  // the route modules take their clients from server/context.ts on globalThis
  Object.assign(globalThis, {
    __vzferry: {
      config: loadConfig({ DATABASE_URL: t.url }),
      db: t.db,
      secrets: new SecretBox(randomBytes(32)),
      producer,
    },
  });
  cookie = await signedInCookie(t.db);
  const host = await t.prisma.sourceHost.findFirstOrThrow({ where: { name: 'hv2' } });
  const customer = await t.prisma.customer.findFirstOrThrow({ where: { name: 'Customer 77' } });
  const cases = casesOf(fixture, host.id, customer.id);
  // the baseline: a database round trip that does nothing, through the same client
  const trip = async () => {
    const t0 = performance.now();
    await t.prisma.$queryRaw`SELECT 1`;
    return performance.now() - t0;
  };
  for (let i = 0; i < WARM_UP; i++) await trip();
  const tripSamples: number[] = [];
  for (let i = 0; i < TIMES; i++) tripSamples.push(await trip());
  tripSamples.sort((a, b) => a - b);
  const baseline = { p50: nearestRankPercentile(tripSamples, 50)!, p95: nearestRankPercentile(tripSamples, 95)! };
  const results: { name: string; p50: number; p95: number }[] = [];
  const skipped: string[] = [];
  for (const route of getRoutes()) {
    const mod = (await import(pathToFileURL(path.join(API_DIR, route, 'route.ts')).href)) as { GET?: Handler };
    if (!mod.GET) continue;
    const routeCases = cases[route] ?? [{ label: '', url: '' }];
    if (!cases[route] && route.includes('[')) {
      skipped.push(`/api/${route} (no sample for its path: add it to casesOf)`);
      continue;
    }
    for (const c of routeCases) {
      const samples = await measure(mod.GET, c, route);
      const r = {
        name: `/api/${route}${c.label ? ` (${c.label})` : ''}`,
        p50: nearestRankPercentile(samples, 50)!,
        p95: nearestRankPercentile(samples, 95)!,
      };
      results.push(r);
      console.log(
        `  ${r.name.padEnd(58)} p50 ${r.p50.toFixed(1).padStart(7)} ms  p95 ${r.p95.toFixed(1).padStart(7)} ms`,
      );
    }
  }
  for (const s of skipped) console.log(`  not measured: ${s}`);
  const slowest = results.reduce((a, b) => (b.p95 > a.p95 ? b : a));
  const over = results.filter((r) => r.p95 >= BUDGET_MS);
  const verdict =
    `slowest ${slowest.name} p95 **${slowest.p95.toFixed(1)} ms**; budget ${BUDGET_MS} ms: ` +
    (over.length === 0 ? 'every request within budget' : `OVER budget: ${over.map((r) => r.name).join(', ')}`);
  console.log(`api: ${verdict}`);
  const ms = (x: number) => x.toFixed(1);
  const result: BenchResult = {
    title: 'API p95 at the real scale (3,000 containers, 100,000 log lines)',
    lines: [
      `${containers} containers, ${runs} runs, ${stageRuns} stage attempts, ${events} log lines; every GET route of`,
      `apps/web through its real handler (signed in), ${TIMES} calls each after ${WARM_UP} to warm up.`,
      '',
      ...table(
        ['request', 'p50 ms', 'p95 ms', 'p95 / baseline p95'],
        [
          ['baseline: `SELECT 1` round trip', ms(baseline.p50), ms(baseline.p95), '1'],
          ...results.map((r) => [r.name, ms(r.p50), ms(r.p95), (r.p95 / baseline.p95).toFixed(0)]),
        ],
      ),
      ...(skipped.length > 0 ? ['', ...skipped.map((s) => `Not measured: ${s}.`)] : []),
      '',
      verdict + '.',
    ],
  };
  // bench/api.ts, the parent, reads it back
  if (process.env.BENCH_RESULT_FILE) writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify(result));
} finally {
  await t.drop();
}
