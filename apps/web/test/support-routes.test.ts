// Support's routes against a real PostgreSQL: the search box (a typo finds
// the customer, exact IP/CTID/e-mail matches come first, bad input is a
// 400), the notes (who wrote them, what they refuse), and the customer and
// container views that say where a container is in words.
import { applyInventory, createInventoryImport } from '@vzferry/db';
import { sampleInventoryContainer, type TestDatabase } from '@vzferry/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as containerNotes from '@/app/api/containers/[id]/notes/route';
import * as container from '@/app/api/containers/[id]/route';
import * as customerNotes from '@/app/api/customers/[id]/notes/route';
import * as customer from '@/app/api/customers/[id]/route';
import * as customers from '@/app/api/customers/route';
import * as search from '@/app/api/search/route';
import type { RouteHandler } from '@/server/route';
import { startRouteHarness, type CallOptions, type RouteHarness } from './support/route-harness';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

let t: TestDatabase;
const ids = { acme: '', acme2: '', globex: '', ct201: '', ct220: '', ct225: '', orphan: '' };

let h: RouteHarness;

/** Support staff ask, unless a test says otherwise. */
const call = (handler: RouteHandler, url: string, opts: CallOptions = {}) =>
  h.call(handler, url, { as: 'support', ...opts });

interface Hits {
  customers: { id: string; name: string; match: { quality: string; field: string } }[];
  containers: { id: string; sourceCtid: number; match: { quality: string; field: string }; customer: unknown }[];
}

async function find(q: string): Promise<Hits> {
  const res = await call(search.GET, `/api/search?q=${encodeURIComponent(q)}`);
  expect(res.status, res.text).toBe(200);
  return res.body as unknown as Hits;
}

beforeAll(async () => {
  h = await startRouteHarness('support');
  t = h.t;
  const host = await t.prisma.sourceHost.create({ data: { name: 'hv1', address: '10.0.0.11', privateKeyEnc: 'v1:x' } });
  const imp = await createInventoryImport(t.db, host.id, 'test');
  const ip = (address: string) => ({ address, family: 4 as const, prefix: null });
  await applyInventory(t.db, host.id, imp.id, [
    sampleInventoryContainer(201, { hostname: 'web.acme.example', ips: [ip('198.51.100.201')] }),
    sampleInventoryContainer(220, { hostname: 'db.acme.example', ips: [ip('198.51.100.20')] }),
    sampleInventoryContainer(225, { hostname: 'shop.globex.example', ips: [ip('198.51.100.25')] }),
    sampleInventoryContainer(2201, { hostname: 'ct2201.example.net', ips: [ip('203.0.113.1')] }),
    sampleInventoryContainer(230, { hostname: 'mail.acme2.example', ips: [ip('203.0.113.30')] }),
  ]);
  const cts = await t.prisma.container.findMany({ select: { id: true, sourceCtid: true } });
  const ctId = (ctid: number) => cts.find((c) => c.sourceCtid === ctid)!.id;
  [ids.ct201, ids.ct220, ids.ct225, ids.orphan] = [ctId(201), ctId(220), ctId(225), ctId(2201)];
  const acme = await t.prisma.customer.create({
    data: { name: 'Acme Hosting', email: 'ops@acme.example', timezone: 'Europe/Amsterdam' },
  });
  const acme2 = await t.prisma.customer.create({
    data: { name: 'Acme Hosting 2', email: 'ops@acme-2.example', timezone: 'UTC' },
  });
  const globex = await t.prisma.customer.create({
    data: { name: 'Globex Hosting', email: 'hello@globex.example', timezone: 'Asia/Tokyo' },
  });
  Object.assign(ids, { acme: acme.id, acme2: acme2.id, globex: globex.id });
  await t.prisma.container.updateMany({ where: { id: { in: [ids.ct201, ids.ct220] } }, data: { customerId: acme.id } });
  await t.prisma.container.update({ where: { id: ids.ct225 }, data: { customerId: globex.id } });
  await t.prisma.container.update({ where: { id: ctId(230) }, data: { customerId: acme2.id } });
});

afterAll(async () => {
  await t?.drop();
});

describe('search', () => {
  it('finds a customer from a name with a typo', async () => {
    const hits = await find('Globx');
    expect(hits.customers[0]).toMatchObject({ id: ids.globex, match: { quality: 'similar', field: 'name' } });
    expect(hits.customers.map((c) => c.id)).not.toContain(ids.acme);
  });

  it('puts the customer whose e-mail is the search first, before customers it only resembles', async () => {
    const hits = await find('OPS@acme.example');
    expect(hits.customers[0]).toMatchObject({ id: ids.acme, match: { quality: 'exact', field: 'email' } });
    expect(hits.customers.findIndex((c) => c.id === ids.acme2)).toBeGreaterThan(0);
  });

  it('puts the container with exactly this IP first, before the IPs it begins, and finds its owner', async () => {
    // 198.51.100.20 is also the start of 198.51.100.201
    const hits = await find('198.51.100.20');
    expect(hits.containers.map((c) => [c.id, c.match.quality, c.match.field])).toEqual([
      [ids.ct220, 'exact', 'ip'],
      [ids.ct201, 'partial', 'ip'],
    ]);
    expect(hits.customers).toEqual([
      expect.objectContaining({
        id: ids.acme,
        containers: 2,
        match: {
          quality: 'exact',
          field: 'ip',
          container: { id: ids.ct220, sourceCtid: 220, hostname: 'db.acme.example' },
        },
      }),
    ]);
  });

  it('puts the container with exactly this CTID first, before hostnames that contain the number', async () => {
    const hits = await find('2201');
    expect(hits.containers[0]).toMatchObject({
      id: ids.orphan,
      match: { quality: 'exact', field: 'ctid' },
      customer: null,
    });
    const ct220 = await find('220');
    expect(ct220.containers[0]).toMatchObject({ sourceCtid: 220, match: { quality: 'exact', field: 'ctid' } });
    expect(ct220.containers.slice(1).map((c) => c.match.quality)).toEqual(['partial']);
  });

  it("takes LIKE's wildcards literally", async () => {
    expect(await find('%')).toMatchObject({ customers: [], containers: [] });
    // "_" is no single-character wildcard: web_acme does not contain web.acme, it only resembles it
    const underscore = await find('web_acme');
    expect(underscore.containers[0]).toMatchObject({ id: ids.ct201, match: { quality: 'similar' } });
  });

  it('answers an empty search with nothing, not everything', async () => {
    expect(await find('   ')).toEqual({ query: '', customers: [], containers: [] });
  });

  it('refuses a NUL byte and an overlong search with a 400 that says why', async () => {
    const nul = await call(search.GET, '/api/search?q=acme%00');
    expect(nul).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_input', message: 'q: the search contains a NUL byte; remove it' } },
    });
    const long = await call(search.GET, `/api/search?q=${'a'.repeat(10 * 1024)}`);
    expect(long).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_input', message: 'q: the search is longer than 200 characters; shorten it' } },
    });
  });
});

describe('the customer list', () => {
  it('refuses a NUL byte in its filter with a 400, not a database error', async () => {
    expect(await call(customers.GET, '/api/customers?q=a%00b')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_input', message: 'q: the search contains a NUL byte; remove it' } },
    });
  });
});

describe('notes', () => {
  it('adds a note about a customer with its author, trimmed, and records it in the audit log', async () => {
    const res = await call(customerNotes.POST, '/x', {
      params: { id: ids.acme },
      json: { body: '  Asked to move after the holidays.  ' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      body: 'Asked to move after the holidays.',
      authorName: 'The support',
      container: null,
    });
    expect(res.body.createdAt).toMatch(/Z$/);
    const audit = await t.prisma.auditLog.findFirst({ where: { action: 'note.add', targetId: ids.acme } });
    expect(audit).toMatchObject({
      actor: 'The support',
      role: 'support',
      targetType: 'Customer',
      details: { noteId: res.body.id },
    });
  });

  it("adds a note about a container, shown on the container and, newest first, on its customer's page", async () => {
    const res = await call(containerNotes.POST, '/x', {
      params: { id: ids.ct220 },
      json: { body: 'Database: customer wants a call before the switch-over.' },
    });
    expect(res.status).toBe(201);
    const detail = await call(container.GET, '/x', { params: { id: ids.ct220 } });
    expect(detail.body.notes).toEqual([
      expect.objectContaining({
        body: 'Database: customer wants a call before the switch-over.',
        authorName: 'The support',
      }),
    ]);
    const view = await call(customer.GET, '/x', { params: { id: ids.acme } });
    expect((view.body.notes as { body: string; container: unknown }[]).map((n) => [n.body, n.container])).toEqual([
      [
        'Database: customer wants a call before the switch-over.',
        { id: ids.ct220, sourceCtid: 220, hostname: 'db.acme.example' },
      ],
      ['Asked to move after the holidays.', null],
    ]);
  });

  it('keeps the name of the author when the user row goes away', async () => {
    const user = await t.prisma.user.create({
      data: { email: 'sam@example.com', name: 'Sam Support', role: 'support' },
    });
    const note = await t.prisma.note.create({
      data: { customerId: ids.globex, authorId: user.id, authorName: user.name, body: 'called' },
    });
    await t.prisma.user.delete({ where: { id: user.id } });
    expect(await t.prisma.note.findUniqueOrThrow({ where: { id: note.id } })).toMatchObject({
      authorId: null,
      authorName: 'Sam Support',
    });
  });

  it('refuses a note about nothing or about both a customer and a container', async () => {
    await expect(t.prisma.note.create({ data: { authorName: 'x', body: 'about nothing' } })).rejects.toThrow(
      /Note_one_subject_check/,
    );
    await expect(
      t.prisma.note.create({ data: { authorName: 'x', body: 'both', customerId: ids.acme, containerId: ids.ct201 } }),
    ).rejects.toThrow(/Note_one_subject_check/);
  });

  it('refuses an empty note, a NUL byte, a long note, an unknown or malformed id, and saves nothing', async () => {
    const before = await t.prisma.note.count();
    const post = (json: unknown, id = ids.acme) => call(customerNotes.POST, '/x', { params: { id }, json });
    expect(await post({ body: '   ' })).toMatchObject({
      status: 400,
      body: { error: { message: 'body: a note needs some text' } },
    });
    expect(await post({ body: 'a\u0000b' })).toMatchObject({
      status: 400,
      body: { error: { message: 'body: the note contains a NUL byte; remove it' } },
    });
    expect(await post({ body: 'x'.repeat(4001) })).toMatchObject({
      status: 400,
      body: { error: { message: 'body: a note holds at most 4000 characters' } },
    });
    expect(await post({ body: 'x'.repeat(70 * 1024) })).toMatchObject({ status: 413 });
    expect(await post({ body: 'hello' }, UNKNOWN_ID)).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
    expect(await post({ body: 'hello' }, 'acme')).toMatchObject({
      status: 400,
      body: { error: { message: 'id: not a customer id' } },
    });
    expect(
      await call(containerNotes.POST, '/x', { params: { id: UNKNOWN_ID }, json: { body: 'hello' } }),
    ).toMatchObject({ status: 404 });
    expect(await t.prisma.note.count()).toBe(before);
  });
});

describe('where a container is, in words', () => {
  beforeAll(async () => {
    await t.prisma.networkMapping.create({
      data: {
        name: 'net 10',
        cidr: '198.51.100.0/24',
        cloudstackNetworkId: 'net-10',
        cloudstackNetworkName: 'lab-net-10',
      },
    });
    const done = await t.prisma.batch.create({ data: { name: 'wave-3', status: 'completed' } });
    // migrated on Tue 1 Dec 2026 at 02:14 in Amsterdam, 7 s offline
    const migrated = await t.prisma.migrationRun.create({
      data: {
        batchId: done.id,
        containerId: ids.ct201,
        status: 'succeeded',
        currentStage: 'cleanup',
        startedAt: new Date('2026-12-01T00:30:00Z'),
        downtimeStartedAt: new Date('2026-12-01T01:14:00Z'),
        downtimeEndedAt: new Date('2026-12-01T01:14:07Z'),
        finishedAt: new Date('2026-12-01T01:15:00Z'),
        cloudstackVmId: 'vm-1',
        cloudstackVmName: 'vz201-3f2a9c',
      },
    });
    await t.prisma.stageRun.create({
      data: {
        runId: migrated.id,
        stage: 'deploy_vm',
        status: 'succeeded',
        finishedAt: new Date('2026-12-01T01:13:00Z'),
        result: { vmId: 'vm-1', nics: [{ network: 'net-10', ip: '198.51.100.201', mac: '02:00:00:00:00:01' }] },
      },
    });
    // the last import ran a week before the migration
    await t.prisma.container.update({
      where: { id: ids.ct201 },
      data: { migrationState: 'migrated', lastSeenAt: new Date('2026-11-24T09:00:00Z') },
    });
    // rolled back after register_template failed
    await t.prisma.migrationRun.create({
      data: {
        batchId: done.id,
        containerId: ids.ct220,
        status: 'failed',
        currentStage: 'register_template',
        failedStage: 'register_template',
        errorCode: 'template_download_failed',
        error: 'the template download failed 3 time(s); last: HTTP 500',
        startedAt: new Date('2026-12-01T00:30:00Z'),
        downtimeStartedAt: new Date('2026-12-01T01:03:00Z'),
        downtimeEndedAt: new Date('2026-12-01T01:31:00Z'),
        finishedAt: new Date('2026-12-01T01:31:02Z'),
      },
    });
  });

  it("says on the customer page where each container is, in the customer's time zone, with its runs", async () => {
    const res = await call(customer.GET, '/x', { params: { id: ids.acme } });
    expect(res.status).toBe(200);
    const byCtid = (ctid: number) =>
      (res.body.containers as { sourceCtid: number; state: unknown; timeline: unknown[] }[]).find(
        (c) => c.sourceCtid === ctid,
      )!;
    expect(byCtid(201).state).toEqual({
      kind: 'migrated',
      text: 'Migrated on 1 Dec 2026 at 02:14, 7 s of downtime; now VM vz201-3f2a9c on network lab-net-10',
    });
    expect(byCtid(220).state).toEqual({
      kind: 'failed',
      text: 'Failed at register_template on 1 Dec 2026 at 02:31; back online on the old server since 02:31',
    });
    expect(byCtid(220).timeline).toEqual([
      expect.objectContaining({
        batch: expect.objectContaining({ name: 'wave-3' }),
        outcome: 'Failed at register_template',
        downtime: '1 Dec 2026 at 02:03–02:31 (28 min)',
        failure: {
          summary: 'CloudStack could not download the template',
          detail: 'the template download failed 3 time(s); last: HTTP 500',
        },
      }),
    ]);
  });

  it('offers the done and problem e-mails, and no scheduled one when nothing is scheduled', async () => {
    const res = await call(customer.GET, '/x', { params: { id: ids.acme } });
    const emails = res.body.emails as Record<string, { subject: string; body: string } | null>;
    expect(emails.scheduled).toBeNull();
    expect(emails.done?.subject).toBe('Your server web.acme.example has moved to our new platform');
    expect(emails.done?.body).toContain(
      '- web.acme.example (198.51.100.201): moved on 1 Dec 2026 at 02:14, offline for 7 s',
    );
    expect(emails.problem?.subject).toBe('The move of your server db.acme.example did not complete');
  });

  it('tells the truth on the container page of a migrated container: stopped, no start on boot, its run and VM', async () => {
    const res = await call(container.GET, '/x', { params: { id: ids.ct201 } });
    expect(res.status).toBe(200);
    // the inventory still holds what the import saw before the migration
    expect(res.body).toMatchObject({ status: 'running', onboot: true });
    expect(res.body.source).toMatchObject({
      status: 'stopped',
      onboot: false,
      text: expect.stringMatching(
        /^stopped, start on boot: no, since the migration on 1 Dec 2026 at 02:14 .*; the last import, on 24 Nov 2026 at 10:00, saw it running, start on boot: yes$/,
      ),
    });
    expect(res.body.runs).toEqual([
      expect.objectContaining({
        status: 'succeeded',
        batch: expect.objectContaining({ name: 'wave-3' }),
        cloudstackVmName: 'vz201-3f2a9c',
        vmNetworks: ['lab-net-10'],
        downtimeStartedAt: '2026-12-01T01:14:00.000Z',
      }),
    ]);
    expect(res.text).not.toMatch(/bootTokenSha256|conversionPlan|leaseOwner|"result"/);
  });

  it('answers an unknown customer with 404 and a malformed id with 400', async () => {
    expect(await call(customer.GET, '/x', { params: { id: UNKNOWN_ID } })).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found', message: `customer ${UNKNOWN_ID} does not exist` } },
    });
    expect(await call(customer.GET, '/x', { params: { id: 'nope' } })).toMatchObject({ status: 400 });
  });
});
