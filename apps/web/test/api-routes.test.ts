// The API routes against a real PostgreSQL: what each answers (and what it
// never sends: a private key, the CloudStack secret, internal columns),
// and the status of each refusal, including input that a packages/db
// function refuses deep inside a route. Queue work goes to a recording
// producer instead of Redis.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CUSTOMER_CSV_MAX_BYTES, type InventoryContainer } from '@vzferry/core';
import { applyInventory, createInventoryImport, listAudit, recordHostKeySeen } from '@vzferry/db';
import { sampleInventoryContainer, type TestDatabase } from '@vzferry/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as batch from '@/app/api/batches/[id]/route';
import * as batchPause from '@/app/api/batches/[id]/pause/route';
import * as batchStart from '@/app/api/batches/[id]/start/route';
import * as batches from '@/app/api/batches/route';
import * as container from '@/app/api/containers/[id]/route';
import * as facets from '@/app/api/containers/facets/route';
import * as containers from '@/app/api/containers/route';
import * as customerImport from '@/app/api/customers/import/route';
import * as customers from '@/app/api/customers/route';
import * as health from '@/app/api/health/route';
import * as acceptKey from '@/app/api/hosts/[id]/accept-key/route';
import * as hostImport from '@/app/api/hosts/[id]/import/route';
import * as probe from '@/app/api/hosts/[id]/probe/route';
import * as hosts from '@/app/api/hosts/route';
import * as runCancel from '@/app/api/runs/[id]/cancel/route';
import * as run from '@/app/api/runs/[id]/route';
import * as cloudstack from '@/app/api/settings/cloudstack/route';
import * as testConnection from '@/app/api/settings/cloudstack/test/route';
import * as mappings from '@/app/api/settings/mappings/route';
import * as pipeline from '@/app/api/settings/pipeline/route';
import * as settings from '@/app/api/settings/route';
import type { RouteHandler } from '@/server/route';
import { startRouteHarness, type CallOptions, type RouteHarness } from './support/route-harness';

const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${'b3BlbnNzaC1rZXktdjEAAAAA'.repeat(4)}\n-----END OPENSSH PRIVATE KEY-----\n`;
const HOST_KEY = {
  fingerprint: `SHA256:${'A'.repeat(43)}`,
  algorithm: 'ssh-ed25519',
  publicKey: 'AAAAC3NzaC1lZDI1NTE5AAAAIA==',
};
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

let h: RouteHarness;
let t: TestDatabase;
let enqueued: RouteHarness['enqueued'];
const call = (handler: RouteHandler, url: string, opts?: CallOptions) => h.call(handler, url, opts);

const ct = (ctid: number, over: Partial<InventoryContainer> = {}) => sampleInventoryContainer(ctid, over);

beforeAll(async () => {
  h = await startRouteHarness('webapi');
  t = h.t;
  enqueued = h.enqueued;
});
afterAll(async () => {
  await t?.drop();
});

describe('health', () => {
  it('answers ok while PostgreSQL answers', async () => {
    expect(await call(health.GET, '/api/health')).toMatchObject({ status: 200, body: { ok: true } });
  });
});

describe('source hosts', () => {
  let hostId: string;

  it('refuses a bad host with every bad field named', async () => {
    const res = await call(hosts.POST, '/api/hosts', {
      json: { name: '../etc', address: 'a b', privateKey: 'ssh-ed25519 AAAA' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('invalid_input');
    expect(res.body.error?.message).toMatch(/^name: .*; address: .*; privateKey: /);
  });

  it('adds a host (201), queues the probe of its key, and never sends its private key back', async () => {
    const res = await call(hosts.POST, '/api/hosts', {
      json: { name: 'hv1', address: '10.0.0.11', privateKey: PRIVATE_KEY },
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['id', 'name']);
    hostId = String(res.body.id);
    expect(enqueued.at(-1)).toEqual({ name: 'probe_host_key', payload: { sourceHostId: hostId } });

    const list = await call(hosts.GET, '/api/hosts');
    expect(list.status).toBe(200);
    expect(list.text).toContain('"name":"hv1"');
    expect(list.text).not.toMatch(
      /privateKey|PRIVATE KEY|b3BlbnNzaC1rZXk|hostPublicKey|maxConcurrentMigrations|createdAt/,
    );
  });

  it('answers a second host of the same name with 409', async () => {
    const res = await call(hosts.POST, '/api/hosts', {
      json: { name: 'hv1', address: '10.0.0.12', privateKey: PRIVATE_KEY },
    });
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'host_exists' } } });
  });

  it('probes a known host (202), answers 404 for an unknown one and 400 for a malformed id', async () => {
    expect(await call(probe.POST, '/probe', { method: 'POST', params: { id: hostId } })).toMatchObject({
      status: 202,
      body: { queued: true },
    });
    expect(await call(probe.POST, '/probe', { method: 'POST', params: { id: UNKNOWN_ID } })).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
    expect(await call(probe.POST, '/probe', { method: 'POST', params: { id: 'hv1' } })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_input', message: 'id: Invalid UUID' } },
    });
  });

  it('refuses an import before the host key is accepted, and queues nothing', async () => {
    const before = enqueued.length;
    const res = await call(hostImport.POST, '/import', { method: 'POST', params: { id: hostId } });
    expect(res).toMatchObject({
      status: 409,
      body: { error: { code: 'host_key_not_accepted', message: 'accept the SSH host key of hv1 before importing' } },
    });
    expect(enqueued).toHaveLength(before);
  });

  it('accepts the pending key and answers only its state, then queues an import (202)', async () => {
    await recordHostKeySeen(t.db, hostId, HOST_KEY);
    const res = await call(acceptKey.POST, '/accept-key', {
      params: { id: hostId },
      json: { fingerprint: HOST_KEY.fingerprint },
    });
    expect(res).toEqual({
      status: 200,
      text: expect.any(String),
      headers: expect.any(Headers),
      body: { id: hostId, hostKeyState: 'accepted', hostKeyFingerprint: HOST_KEY.fingerprint },
    });

    const imported = await call(hostImport.POST, '/import', { method: 'POST', params: { id: hostId } });
    expect(imported.status).toBe(202);
    expect(enqueued.at(-1)).toEqual({
      name: 'import_inventory',
      payload: { sourceHostId: hostId, importId: imported.body.importId },
    });
  });

  it('refuses a fingerprint of the wrong form before it reaches the database', async () => {
    const res = await call(acceptKey.POST, '/accept-key', { params: { id: hostId }, json: { fingerprint: 'MD5:aa' } });
    expect(res).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_input', message: expect.stringMatching(/^fingerprint: /) } },
    });
  });
});

describe('containers, batches and runs', () => {
  let containerId: string;
  let batchId: string;

  beforeAll(async () => {
    const host = await t.prisma.sourceHost.create({
      data: { name: 'hv2', address: '10.0.0.21', privateKeyEnc: 'v1:x:y:z' },
    });
    const imp = await createInventoryImport(t.db, host.id, 'test');
    await applyInventory(t.db, host.id, imp.id, [ct(201), ct(202, { status: 'stopped' }), ct(203)]);
  });

  it('lists a page of containers by the query, with bigints as text', async () => {
    const res = await call(containers.GET, '/api/containers?status=running&pageSize=10');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 2, page: 1, pageSize: 10 });
    const rows = res.body.rows as { id: string; sourceCtid: number; diskQuotaKb: string }[];
    expect(rows.map((r) => r.sourceCtid)).toEqual([201, 203]);
    expect(rows[0]!.diskQuotaKb).toBe('10485760');
    containerId = rows[0]!.id;
  });

  it('names a bad query parameter', async () => {
    const res = await call(containers.GET, '/api/containers?status=sleeping&page=0');
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/^status: Invalid option: .*; page: Too small/);
  });

  it('offers the filter choices and one container with dates as ISO text', async () => {
    expect((await call(facets.GET, '/api/containers/facets')).body).toMatchObject({
      hosts: expect.arrayContaining([expect.objectContaining({ name: 'hv2' })]),
    });
    const res = await call(container.GET, '/x', { params: { id: containerId } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sourceCtid: 201, sourceHost: { name: 'hv2' }, diskUsedKb: '1000' });
    expect(res.body.lastSeenAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(res.text).not.toMatch(/privateKeyEnc|rootPath|cpuUnits/);
    expect(await call(container.GET, '/x', { params: { id: 'abc' } })).toMatchObject({
      status: 400,
      body: { error: { message: 'id: not a container id' } },
    });
  });

  it('refuses a batch whose filter is malformed (400, not 500) or matches nothing', async () => {
    const bad = await call(batches.POST, '/api/batches', { json: { name: 'w', filter: { status: 'sleeping' } } });
    expect(bad).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_input', message: expect.stringMatching(/^filter\.status: Invalid option/) } },
    });
    const none = await call(batches.POST, '/api/batches', { json: { name: 'w', filter: { q: 'no-such-container' } } });
    expect(none).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_input', message: 'filter: the filter matches no container; widen it' } },
    });
  });

  it('creates a batch from a filter (201), shows it with its runs, and starts it once', async () => {
    const created = await call(batches.POST, '/api/batches', {
      json: { name: 'wave 1', filter: { status: 'running' } },
    });
    expect(created.status).toBe(201);
    batchId = String(created.body.id);

    const view = await call(batch.GET, '/x', { params: { id: batchId } });
    expect(view.body).toMatchObject({
      name: 'wave 1',
      status: 'draft',
      runs: [{ status: 'pending' }, { status: 'pending' }],
    });
    expect(view.text).not.toMatch(/createdById|catchUpSyncs|workDir|leaseOwner/);

    const list = await call(batches.GET, '/api/batches');
    expect(list.body).toEqual([
      expect.objectContaining({ id: batchId, runs: { pending: 2 }, createdAt: expect.stringMatching(/Z$/) }),
    ]);

    expect(await call(batchStart.POST, '/x', { method: 'POST', params: { id: batchId } })).toMatchObject({
      status: 200,
      body: { id: batchId, status: 'running' },
    });
    expect(await call(batchStart.POST, '/x', { method: 'POST', params: { id: batchId } })).toMatchObject({
      status: 409,
      body: { error: { code: 'batch_state' } },
    });
  });

  it('refuses a batch holding a container already in one, with the problems as details (409)', async () => {
    const res = await call(batches.POST, '/api/batches', { json: { name: 'wave 2', containerIds: [containerId] } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'batch_invalid',
      details: [expect.stringMatching(/container 201 on hv2 is already in batch wave 1/)],
    });
  });

  it('pauses with a checked body, and answers 404 for a batch that does not exist', async () => {
    expect(await call(batchPause.POST, '/x', { params: { id: batchId }, json: { paused: 'yes' } })).toMatchObject({
      status: 400,
      body: { error: { message: 'paused: Invalid input: expected boolean, received string' } },
    });
    expect(await call(batchPause.POST, '/x', { params: { id: batchId }, json: { paused: true } })).toMatchObject({
      status: 200,
      body: { status: 'paused' },
    });
    expect(await call(batch.GET, '/x', { params: { id: UNKNOWN_ID } })).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
  });

  it('shows a run with its 16 stages and cancels it (202)', async () => {
    const view = await call(batch.GET, '/x', { params: { id: batchId } });
    const runId = (view.body.runs as { id: string }[])[0]!.id;
    const res = await call(run.GET, '/x', { params: { id: runId } });
    expect(res.status).toBe(200);
    expect(res.body.stages).toHaveLength(16);
    expect(res.text).not.toMatch(/bootTokenSha256|conversionPlan|leaseOwner/);
    expect(res.body.configDiff).toEqual([]);
    // what rewrite_config changed in the guest (its attempt's result) is on the run's view, for the run page
    const diff = [
      {
        from: '/etc/sysconfig/network-scripts/route-venet0',
        to: '/etc/sysconfig/network-scripts/route-eth0',
        lines: ['@@ line 3', '- 10.99.0.0/16 dev venet0', '+ 10.99.0.0/16 via 198.51.100.1 dev eth0'],
      },
    ];
    await t.prisma.stageRun.create({
      data: {
        runId,
        stage: 'rewrite_config',
        status: 'succeeded',
        result: { written: [], removed: [], configDiff: diff },
      },
    });
    expect((await call(run.GET, '/x', { params: { id: runId } })).body.configDiff).toEqual(diff);
    expect(await call(runCancel.POST, '/x', { method: 'POST', params: { id: runId } })).toMatchObject({
      status: 202,
      body: { queued: true },
    });
  });
});

describe('customers', () => {
  const upload = (csv: string) =>
    call(customerImport.POST, '/api/customers/import', { body: csv, contentType: 'text/csv' });

  it('refuses a file with bad rows as a whole (422), every bad row in the details', async () => {
    const res = await upload(
      [
        'ctid,customer,email,timezone',
        '201,Acme,ops@acme.example,Mars/Base',
        '999999,Ghost,ghost@example.com,UTC',
      ].join('\n'),
    );
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'customers_invalid',
      message: '1 row has an error; nothing was imported',
      details: [{ line: 2, reason: expect.stringMatching(/IANA time zone/) }],
    });
    const unknown = await upload(['ctid,customer,email,timezone', '999999,Ghost,ghost@example.com,UTC'].join('\n'));
    expect(unknown.body.error?.details).toEqual([
      { line: 2, reason: expect.stringMatching(/no container with CTID 999999/) },
    ]);
    expect((await call(customers.GET, '/api/customers')).body).toEqual([]);
  });

  it('imports a good file and lists the customer', async () => {
    const res = await upload(['ctid,customer,email,timezone', '201,Acme,ops@acme.example,Europe/Berlin'].join('\n'));
    expect(res).toMatchObject({
      status: 200,
      body: { customersCreated: 1, customersUpdated: 0, containersAssigned: 1 },
    });
    expect((await call(customers.GET, '/api/customers?q=acme')).body).toEqual([
      expect.objectContaining({ name: 'Acme', containers: 1 }),
    ]);
  });

  it('refuses a file over its cap with 413', async () => {
    const res = await upload(`ctid,customer,email,timezone\n${'x'.repeat(CUSTOMER_CSV_MAX_BYTES)}`);
    expect(res).toMatchObject({
      status: 413,
      body: { error: { code: 'too_large', message: 'the request body is larger than 10 MiB' } },
    });
  });
});

describe('settings', () => {
  const SECRET = 'cs-secret-do-not-send';

  it('saves the CloudStack connection and answers without the secret, only that one is stored', async () => {
    const res = await call(cloudstack.PUT, '/x', {
      method: 'PUT',
      json: {
        endpoint: 'http://cs.example:8080/client/api',
        allowPlainHttp: true,
        apiKey: 'key',
        zoneId: 'zone-1',
        secretKey: SECRET,
      },
    });
    expect(res).toEqual({
      status: 200,
      text: expect.any(String),
      headers: expect.any(Headers),
      body: {
        endpoint: 'http://cs.example:8080/client/api',
        allowPlainHttp: true,
        apiKey: 'key',
        zoneId: 'zone-1',
        hasSecret: true,
      },
    });
    const all = await call(settings.GET, '/api/settings');
    expect(all.status).toBe(200);
    expect(all.text).not.toContain(SECRET);
    expect(all.body).toMatchObject({
      cloudstack: { hasSecret: true },
      mappings: { networks: [] },
      pipeline: { templateRetryAttempts: 3 },
    });
  });

  it('names the bad fields of the pipeline settings and of the mappings', async () => {
    const bad = await call(pipeline.PUT, '/x', {
      method: 'PUT',
      json: { templateRetryAttempts: 0, cutoverMarginMinutes: 'soon' },
    });
    expect(bad).toMatchObject({
      status: 400,
      body: {
        error: {
          message:
            'templateRetryAttempts: Too small: expected number to be >=1; cutoverMarginMinutes: Invalid input: expected number, received string',
        },
      },
    });
    const unknownField = await call(pipeline.PUT, '/x', { method: 'PUT', json: { noSuchSetting: 1 } });
    expect(unknownField.status).toBe(400);
    const maps = await call(mappings.PUT, '/x', {
      method: 'PUT',
      json: { networks: [{ name: 'n', cidr: '10.0.0.0/33', cloudstackNetworkId: 'x' }], offerings: [], osTypes: [] },
    });
    expect(maps).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/^networks\.0\.cidr: /) } },
    });
  });

  // network mappings are checked against CloudStack when saved: mappings-route.test.ts, with the lab's
  it('saves the mappings and answers every field, null where empty', async () => {
    const res = await call(mappings.PUT, '/x', {
      method: 'PUT',
      json: {
        networks: [],
        offerings: [],
        osTypes: [{ distribution: 'debian', version: '12', osTypeId: 'os-1' }],
      },
    });
    expect(res.body).toEqual({
      networks: [],
      offerings: [],
      osTypes: [
        {
          distribution: 'debian',
          version: '12',
          osTypeId: 'os-1',
          osTypeName: null,
          legacyOsTypeId: null,
          legacyOsTypeName: null,
        },
      ],
    });
  });

  it('answers a body that is not JSON with invalid_json', async () => {
    expect(
      await call(pipeline.PUT, '/x', {
        method: 'PUT',
        body: '{templateRetryAttempts: 2}',
        contentType: 'application/json',
      }),
    ).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_json' } },
    });
  });
});

describe('the CloudStack connection is not a request forwarder', () => {
  // a web server on loopback standing for "some other host of the converter network"
  const seen: { url: string; apikey: string | null }[] = [];
  let other: Server;
  let otherUrl: string;
  const SECRET = 'stored-secret-never-elsewhere';
  const saved = 'http://cs.example:8080/client/api';

  beforeAll(async () => {
    other = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push({ url: url.pathname, apikey: url.searchParams.get('apikey') });
      if (url.pathname === '/redirect/client/api') {
        res.writeHead(302, { location: `${otherUrl}/elsewhere/client/api${url.search}` }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Internal wiki: the root password is hunter2</h1>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const res = await call(cloudstack.PUT, '/x', {
      method: 'PUT',
      json: { endpoint: saved, allowPlainHttp: true, apiKey: 'key', zoneId: 'zone-1', secretKey: SECRET },
    });
    expect(res.status).toBe(200);
  });
  afterAll(() => new Promise<void>((resolve) => other.close(() => resolve())));

  const test = (json: Record<string, unknown>) => call(testConnection.POST, '/x', { json });

  it('does not send the stored secret to another endpoint: the secret must be typed in', async () => {
    const res = await test({ endpoint: `${otherUrl}/client/api`, allowPlainHttp: true, apiKey: 'key' });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'secret_required' } } });
    expect(seen).toEqual([]);
  });

  it('does not follow a redirect and does not show what another endpoint answered', async () => {
    const redirected = await test({
      endpoint: `${otherUrl}/redirect/client/api`,
      allowPlainHttp: true,
      apiKey: 'key',
      secretKey: 'typed',
    });
    expect(redirected).toMatchObject({ status: 200, body: { ok: false, error: expect.stringMatching(/HTTP 302/) } });
    expect(seen.map((s) => s.url)).toEqual(['/redirect/client/api']);

    const page = await test({ endpoint: `${otherUrl}/client/api`, allowPlainHttp: true, apiKey: 'k', secretKey: 't' });
    expect(page.body.ok).toBe(false);
    expect(page.text).not.toMatch(/hunter2|wiki|<h1>/);
  });

  it('needs the opt-in for a plain-HTTP endpoint', async () => {
    const res = await test({ endpoint: `${otherUrl}/client/api`, apiKey: 'key', secretKey: 'typed' });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_input' } } });
    const save = await call(cloudstack.PUT, '/x', {
      method: 'PUT',
      json: { endpoint: saved, apiKey: 'key', zoneId: 'zone-1' },
    });
    expect(save).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/^endpoint: .*plain HTTP/) } },
    });
  });

  it('asks for the secret again when the saved endpoint changes, and keeps the old one meanwhile', async () => {
    const res = await call(cloudstack.PUT, '/x', {
      method: 'PUT',
      json: { endpoint: 'https://cs2.example/client/api', apiKey: 'key', zoneId: 'zone-1' },
    });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'secret_required' } } });
    expect((await call(settings.GET, '/api/settings')).body).toMatchObject({ cloudstack: { endpoint: saved } });
  });

  it('shows the API key to an admin only', async () => {
    const admin = await call(settings.GET, '/api/settings');
    expect(admin.body).toMatchObject({ cloudstack: { apiKey: 'key' } });
    for (const role of ['engineer', 'support', 'manager'] as const) {
      const res = await call(settings.GET, '/api/settings', { as: role });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ cloudstack: { hasSecret: true } });
      expect(res.text).not.toContain('"apiKey":"key"');
    }
  });

  it('records the changed field names of a settings change in the audit log, never the secret', async () => {
    await call(cloudstack.PUT, '/x', {
      method: 'PUT',
      json: { endpoint: saved, allowPlainHttp: true, apiKey: 'key2', zoneId: 'zone-1', secretKey: 'new-secret' },
    });
    const [row] = await listAudit(t.db, { action: 'settings.cloudstack', outcome: 'ok', limit: 1 });
    expect(row).toMatchObject({ actor: 'The admin', role: 'admin', details: { changed: ['apiKey', 'secretKey'] } });
    expect(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(
      'new-secret',
    );
  });
});
