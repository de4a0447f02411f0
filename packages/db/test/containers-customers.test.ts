// The containers page's query and the customer CSV, against a real
// PostgreSQL: every filter and the search box, paging, and a customer file
// that applies all rows or none.
import { parseCustomerCsv, type InventoryContainer } from '@vzferry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyCustomerRows,
  applyInventory,
  containerFacets,
  containerQuerySchema,
  createInventoryImport,
  getContainerDetail,
  listContainers,
} from '../src/index';
import { createTestDatabase, sampleInventoryContainer, type TestDatabase } from '../src/testing';

let t: TestDatabase;
let hv1: string;
let hv2: string;

const ct = (ctid: number, over: Partial<InventoryContainer> = {}) =>
  sampleInventoryContainer(ctid, { ostemplate: 'centos-6-x86_64', ...over });

async function importHost(name: string, list: InventoryContainer[]): Promise<string> {
  const host = await t.prisma.sourceHost.create({ data: { name, address: '127.0.0.1', privateKeyEnc: 'v1:x:y:z' } });
  const imp = await createInventoryImport(t.db, host.id, 'test');
  await applyInventory(t.db, host.id, imp.id, list);
  return host.id;
}

const query = (q: Record<string, unknown>) => listContainers(t.db, containerQuerySchema.parse(q));

beforeAll(async () => {
  t = await createTestDatabase('containers');
  hv1 = await importHost('hv1', [
    ct(101, {
      ips: [
        { address: '198.51.100.101', family: 4, prefix: null },
        { address: '203.0.113.7', family: 4, prefix: null },
      ],
    }),
    ct(102, { status: 'stopped', ostemplate: 'ubuntu-16.04-x86_64' }),
    ...Array.from({ length: 60 }, (_, i) => ct(1000 + i)),
  ]);
  // CTID 101 exists on both hosts: the CSV must say which
  hv2 = await importHost('hv2', [
    ct(101, { hostname: 'other101.example.net', ips: [{ address: '192.0.2.1', family: 4, prefix: null }] }),
    ct(201, { ostemplate: 'debian-9.0-x86_64' }),
  ]);
});
afterAll(async () => {
  await t?.drop();
});

describe('listContainers', () => {
  it('pages through everything in host, CTID order with the total', async () => {
    const p1 = await query({ pageSize: 50 });
    expect(p1.total).toBe(64);
    expect(p1.rows).toHaveLength(50);
    expect(p1.rows[0]).toMatchObject({
      sourceCtid: 101,
      host: { name: 'hv1' },
      ips: ['198.51.100.101', '203.0.113.7'],
      diskQuotaKb: '10485760',
    });
    const p2 = await query({ pageSize: 50, page: 2 });
    expect(p2.rows).toHaveLength(14);
    expect(p2.rows.at(-1)).toMatchObject({ sourceCtid: 201, host: { name: 'hv2' } });
  });

  it('searches a CTID exactly, a hostname, an IP (whole or prefix) and a customer', async () => {
    expect((await query({ q: '101' })).rows.map((r) => `${r.host.name}/${r.sourceCtid}`)).toEqual([
      'hv1/101',
      'hv2/101',
    ]);
    expect((await query({ q: 'OTHER101' })).rows.map((r) => r.hostname)).toEqual(['other101.example.net']);
    expect((await query({ q: '203.0.113.7' })).rows.map((r) => r.sourceCtid)).toEqual([101]);
    expect((await query({ q: '192.0.2.' })).rows.map((r) => r.hostname)).toEqual(['other101.example.net']);
    expect((await query({ q: 'nothing-like-this' })).total).toBe(0);
  });

  it('filters by host, status, OS and combines them with the search', async () => {
    expect((await query({ hostId: hv2 })).total).toBe(2);
    expect((await query({ status: 'stopped' })).rows.map((r) => r.sourceCtid)).toEqual([102]);
    expect((await query({ os: 'debian-9.0-x86_64' })).rows.map((r) => r.sourceCtid)).toEqual([201]);
    expect((await query({ hostId: hv1, q: '101' })).rows.map((r) => r.hostname)).toEqual(['ct101.example.net']);
    const facets = await containerFacets(t.db);
    expect(facets.hosts.map((h) => h.name)).toEqual(['hv1', 'hv2']);
    expect(facets.osTemplates).toContainEqual({ value: 'centos-6-x86_64', count: 62 });
  });

  it('refuses bad query input with zod before any SQL', () => {
    expect(containerQuerySchema.safeParse({ status: 'exploded' }).success).toBe(false);
    expect(containerQuerySchema.safeParse({ hostId: "x' OR 1=1" }).success).toBe(false);
    expect(containerQuerySchema.safeParse({ pageSize: 100000 }).success).toBe(false);
  });

  it('refuses a NUL byte in the search or the OS filter with a reason (PostgreSQL text cannot hold one)', async () => {
    for (const input of [{ q: 'ct\u0000101' }, { os: 'debian\u0000' }]) {
      const parsed = containerQuerySchema.safeParse(input);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/NUL byte/);
    }
  });
});

describe('applyCustomerRows', () => {
  const header = 'ctid,host,hostname,customer,email,timezone,downtime_window';

  it('refuses the whole file when one row names no container or an ambiguous CTID, and changes nothing', async () => {
    const parsed = parseCustomerCsv(
      [
        header,
        '102,,,Acme,ops@acme.example,Europe/Berlin,Sun 02:00-05:00',
        '101,,,Acme,ops@acme.example,Europe/Berlin,',
        '5555,,,Acme,ops@acme.example,Europe/Berlin,',
      ].join('\n'),
    );
    expect(parsed.errors).toEqual([]);
    const res = await applyCustomerRows(t.db, parsed.rows);
    expect(res).toEqual({
      ok: false,
      errors: [
        { line: 3, reason: 'CTID 101 is on several hosts (hv1, hv2); add a host column' },
        { line: 4, reason: 'no container with CTID 5555 in the inventory' },
      ],
    });
    expect(await t.prisma.customer.count()).toBe(0);
    expect((await t.prisma.container.findFirstOrThrow({ where: { sourceCtid: 102 } })).customerId).toBeNull();
  });

  it('assigns customers by CTID+host or hostname, then a second upload updates and never duplicates', async () => {
    const rows = [
      header,
      '101,hv2,,Acme,ops@acme.example,Europe/Berlin,Sun 02:00-05:00',
      ',,ct102.example.net,Bob Ltd,bob@example.com,America/New_York,',
    ];
    const first = await applyCustomerRows(t.db, parseCustomerCsv(rows.join('\n')).rows);
    expect(first).toEqual({ ok: true, customersCreated: 2, customersUpdated: 0, containersAssigned: 2 });
    const other = await t.prisma.container.findFirstOrThrow({
      where: { sourceHostId: hv2, sourceCtid: 101 },
      include: { customer: true },
    });
    expect(other).toMatchObject({
      downtimeWindow: 'Sun 02:00-05:00',
      customer: { name: 'Acme', timezone: 'Europe/Berlin' },
    });

    rows[1] = '101,hv2,,Acme Corp,ops@acme.example,Europe/Berlin,';
    const second = await applyCustomerRows(t.db, parseCustomerCsv(rows.join('\n')).rows);
    expect(second).toMatchObject({ ok: true, customersCreated: 0, customersUpdated: 2 });
    expect(await t.prisma.customer.count()).toBe(2);
    const again = await getContainerDetail(t.db, other.id);
    expect(again).toMatchObject({ downtimeWindow: null, customer: { name: 'Acme Corp' } });
    expect((await query({ q: 'acme' })).rows.map((r) => r.hostname)).toEqual(['other101.example.net']);
    expect((await query({ customerId: 'none' })).total).toBe(62);
  });
});
