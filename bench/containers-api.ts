// The containers API with 3,000 containers in the database: how long one
// filtered page takes (the query the route runs, plus its JSON), p50/p95
// over repeated runs, against a baseline of a trivial round trip measured in
// the same process. The goal from issue 2: under 200 ms per page.
import { performance } from 'node:perf_hooks';
import {
  applyCustomerRows,
  applyInventory,
  containerQuerySchema,
  createInventoryImport,
  listContainers,
} from '@vzferry/db';
import { createTestDatabase } from '@vzferry/db/testing';
import { parseCustomerCsv, type InventoryContainer } from '@vzferry/core';
import { table, type BenchResult } from './support/results';

const CONTAINERS = 3000;
const HOSTS = 3;
const RUNS = 40;
const BUDGET_MS = 200;
const OS = ['centos-6-x86_64', 'centos-7-x86_64', 'ubuntu-16.04-x86_64', 'ubuntu-18.04-x86_64', 'debian-9.0-x86_64'];

function container(ctid: number): InventoryContainer {
  const ips = [
    {
      address: `10.${Math.floor(ctid / 65536) % 256}.${Math.floor(ctid / 256) % 256}.${ctid % 256}`,
      family: 4 as const,
      prefix: null,
    },
  ];
  if (ctid % 7 === 0)
    ips.push({ address: `203.0.${Math.floor(ctid / 250) % 256}.${ctid % 250}`, family: 4, prefix: null });
  return {
    ctid,
    hostname: `ct${ctid}.customer-example.net`,
    name: null,
    description: null,
    status: ctid % 10 === 0 ? 'stopped' : 'running',
    ostemplate: OS[ctid % OS.length]!,
    layout: 'simfs',
    privatePath: `/vz/private/${ctid}`,
    rootPath: `/vz/root/${ctid}`,
    diskQuotaKb: BigInt(10 + (ctid % 190)) * 1048576n,
    diskUsedKb: 1048576n,
    inodesUsed: 50000n,
    inodesLimit: 2000000n,
    ramMb: 1024,
    swapMb: 512,
    cpus: 2,
    cpuUnits: 1000,
    cpuLimit: 0,
    onboot: true,
    nameservers: ['8.8.8.8'],
    searchDomains: [],
    ips,
    nics: [],
  };
}

const ms = (x: number) => x.toFixed(1);

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(RUNS / 2)]!, p95: samples[Math.floor(RUNS * 0.95)]! };
}

export async function run(): Promise<BenchResult> {
  const t = await createTestDatabase('benchcontainers');
  try {
    const perHost = CONTAINERS / HOSTS;
    for (let h = 0; h < HOSTS; h++) {
      const host = await t.prisma.sourceHost.create({
        data: { name: `hv${h + 1}`, address: '127.0.0.1', privateKeyEnc: 'v1:x:y:z' },
      });
      const imp = await createInventoryImport(t.db, host.id, 'bench');
      await applyInventory(
        t.db,
        host.id,
        imp.id,
        Array.from({ length: perHost }, (_, i) => container(1000 + h * perHost + i)),
      );
    }
    const csv = [
      'ctid,customer,email,timezone',
      ...Array.from(
        { length: CONTAINERS },
        (_, i) => `${1000 + i},Customer ${Math.floor(i / 3)},c${Math.floor(i / 3)}@example.com,Europe/Berlin`,
      ),
    ].join('\n');
    const applied = await applyCustomerRows(t.db, parseCustomerCsv(csv).rows);
    if (!applied.ok) throw new Error('bench seed: customers did not apply');
    const hosts = await t.prisma.sourceHost.findMany();

    const baseline = await time(() => t.prisma.$queryRaw`SELECT 1`);
    const cases: [string, Record<string, unknown>][] = [
      ['first page, no filter', {}],
      ['host + status filter, page 5', { hostId: hosts[1]!.id, status: 'running', page: 5 }],
      ['OS filter', { os: 'ubuntu-18.04-x86_64' }],
      ['search by IP', { q: '203.0.12' }],
      ['search by customer name', { q: 'Customer 77' }],
      ['search by CTID', { q: '2500' }],
      ['search + host + OS', { q: 'customer-example', hostId: hosts[0]!.id, os: 'centos-7-x86_64' }],
    ];
    console.log(
      `containers-api: ${CONTAINERS} containers, ${RUNS} runs each; baseline SELECT 1 p50 ${baseline.p50.toFixed(2)} ms`,
    );
    const rows: string[][] = [['baseline: `SELECT 1` round trip', ms(baseline.p50), ms(baseline.p95), '1']];
    let worst = 0;
    for (const [name, q] of cases) {
      const query = containerQuerySchema.parse(q);
      const r = await time(async () => JSON.stringify(await listContainers(t.db, query)));
      worst = Math.max(worst, r.p95);
      rows.push([name, ms(r.p50), ms(r.p95), (r.p50 / baseline.p50).toFixed(1)]);
      console.log(
        `  ${name.padEnd(32)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ${r.p95.toFixed(1).padStart(6)} ms  (${(r.p50 / baseline.p50).toFixed(1)}x baseline)`,
      );
    }
    const verdict = `worst p95 **${worst.toFixed(1)} ms**; budget ${BUDGET_MS} ms: ${worst < BUDGET_MS ? 'within' : 'OVER'} (${(worst / BUDGET_MS).toFixed(2)} of it).`;
    console.log(`containers-api: ${verdict}`);
    return {
      title: 'Containers API page, 3,000 containers',
      lines: [
        `${CONTAINERS} containers on ${HOSTS} hosts; one page of \`listContainers\` plus its JSON, ${RUNS} runs each.`,
        '',
        ...table(['request', 'p50 ms', 'p95 ms', 'p50 / baseline'], rows),
        '',
        verdict,
      ],
    };
  } finally {
    await t.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
