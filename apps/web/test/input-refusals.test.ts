// Input the API must refuse with a 400 naming what is wrong, and without
// changing anything (issue 13): a NUL byte in any free text that reaches
// PostgreSQL (which cannot store one, so it used to be a 500), and a batch
// that names no containers, or names them in a way that cannot be read.
import { applyInventory, createInventoryImport } from '@vzferry/db';
import { sampleInventoryContainer } from '@vzferry/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as audit from '@/app/api/audit/route';
import * as signIn from '@/app/api/auth/sign-in/route';
import * as batches from '@/app/api/batches/route';
import * as containerNotes from '@/app/api/containers/[id]/notes/route';
import * as resolve from '@/app/api/containers/resolve/route';
import * as containers from '@/app/api/containers/route';
import * as customerImport from '@/app/api/customers/import/route';
import * as customers from '@/app/api/customers/route';
import * as failuresRetry from '@/app/api/failures/retry/route';
import * as search from '@/app/api/search/route';
import * as cloudstack from '@/app/api/settings/cloudstack/route';
import * as users from '@/app/api/users/route';
import type { RouteHandler } from '@/server/route';
import { startRouteHarness, type Answer, type CallOptions, type RouteHarness } from './support/route-harness';

let h: RouteHarness;
let containerId: string;
const call = (handler: RouteHandler, url: string, opts?: CallOptions) => h.call(handler, url, opts);

beforeAll(async () => {
  h = await startRouteHarness('inputrefusals');
  const host = await h.t.prisma.sourceHost.create({
    data: { name: 'hv-input', address: '10.0.0.31', privateKeyEnc: 'v1:x:y:z' },
  });
  const imp = await createInventoryImport(h.t.db, host.id, 'test');
  await applyInventory(h.t.db, host.id, imp.id, [sampleInventoryContainer(301), sampleInventoryContainer(302)]);
  containerId = (await h.t.prisma.container.findFirstOrThrow({ where: { sourceCtid: 301 } })).id;
});
afterAll(async () => {
  await h?.t.drop();
});

/** Row counts of every table but the audit log (a refused request writes its audit row, nothing else). */
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

/** The answer is a 400 whose message matches, and no table changed. */
async function expectRefused(send: () => Promise<Answer>, message: RegExp): Promise<void> {
  const before = await tableCounts();
  const res = await send();
  expect(res.status, res.text).toBe(400);
  expect(res.body.error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(message) });
  expect(await tableCounts()).toEqual(before);
}

const NUL = '\u0000';
const NUL_MESSAGE = /contains a NUL byte/;

describe('a NUL byte in free text', () => {
  it('is a 400 in the searches', async () => {
    await expectRefused(() => call(customers.GET, '/api/customers?q=a%00b'), /^q: .*NUL byte/);
    await expectRefused(() => call(containers.GET, '/api/containers?q=a%00b'), /^q: .*NUL byte/);
    await expectRefused(() => call(containers.GET, '/api/containers?os=a%00b'), /^os: .*NUL byte/);
    await expectRefused(() => call(search.GET, '/api/search?q=a%00b'), /^q: .*NUL byte/);
  });

  it("is a 400 in a batch's name, and in the filter a batch is made from", async () => {
    await expectRefused(
      () => call(batches.POST, '/api/batches', { json: { name: `wave${NUL}1`, containerIds: [containerId] } }),
      /^name: .*NUL byte/,
    );
    await expectRefused(
      () => call(batches.POST, '/api/batches', { json: { name: 'wave 1', filter: { q: `ct${NUL}` } } }),
      /^filter\.q: .*NUL byte/,
    );
  });

  it('is a 400 in an uploaded customer file (a name, an e-mail), naming the line', async () => {
    const csv = (row: string) => ['ctid,customer,email,timezone', row].join('\n');
    const upload = (text: string) =>
      call(customerImport.POST, '/api/customers/import', { body: text, contentType: 'text/csv' });
    await expectRefused(() => upload(csv(`301,Ac${NUL}me,ops@acme.example,UTC`)), /line 2.*NUL byte/);
    await expectRefused(() => upload(csv(`301,Acme,ops${NUL}@acme.example,UTC`)), /line 2.*NUL byte/);
  });

  it('is a 400 in a note', async () => {
    await expectRefused(
      () => call(containerNotes.POST, '/x', { params: { id: containerId }, json: { body: `a${NUL}b` } }),
      NUL_MESSAGE,
    );
  });
});

describe('a batch that names no containers', () => {
  const create = (json: unknown) => () => call(batches.POST, '/api/batches', { json });

  it('is a 400 with an empty list of containers', async () => {
    await expectRefused(create({ name: 'w', containerIds: [] }), /^containerIds: a batch needs at least one container/);
  });

  it('is a 400 when its filter matches nothing', async () => {
    await expectRefused(create({ name: 'w', filter: { q: 'no-such-container' } }), /filter matches no container/);
    await expectRefused(
      create({ name: 'w', filter: { hostId: '00000000-0000-4000-8000-000000000000' } }),
      /filter matches no container/,
    );
  });

  it('is a 400 with an unknown or malformed host, never a batch of every container', async () => {
    await expectRefused(create({ name: 'w', hostId: '00000000-0000-4000-8000-000000000000' }), /hostId/);
    await expectRefused(create({ name: 'w', filter: { hostId: 'hv-input' } }), /^filter\.hostId: /);
  });

  it('is a 400 with a malformed filter', async () => {
    await expectRefused(create({ name: 'w', filter: { status: 'sleeping' } }), /^filter\.status: Invalid option/);
    await expectRefused(create({ name: 'w', filter: { sorting: 'ctid' } }), /filter.*sorting/);
    await expectRefused(create({ name: 'w', filter: 'status=running' }), /^filter: /);
    await expectRefused(create({ name: 'w', filter: { page: 'x' } }), /^filter.*page/);
  });

  it('is a 400 with both a list and a filter, or neither', async () => {
    await expectRefused(
      create({ name: 'w', containerIds: [containerId], filter: { status: 'running' } }),
      /containerIds or a filter, not both/,
    );
    await expectRefused(create({ name: 'w' }), /containerIds or a filter/);
  });
});

describe('a NUL byte in the other free text that reaches PostgreSQL', () => {
  it('is a 400 in the audit filter, a sign-in, a new user, a container list, and the settings', async () => {
    await expectRefused(() => call(audit.GET, `/api/audit?who=a%00b`), /^who: .*NUL byte/);
    await expectRefused(() => call(audit.GET, `/api/audit?action=a%00b`), /^action: .*NUL byte/);
    await expectRefused(
      () => call(signIn.POST, '/api/auth/sign-in', { as: null, json: { email: `a${NUL}@b.example`, password: 'x' } }),
      /^email: .*NUL byte/,
    );
    await expectRefused(
      () =>
        call(users.POST, '/api/users', {
          json: { email: 'new@vzferry.test', name: `New${NUL}`, role: 'viewer', password: 'a long enough password' },
        }),
      /^name: .*NUL byte/,
    );
    await expectRefused(
      () => call(resolve.POST, '/api/containers/resolve', { json: { text: `ct301${NUL}.example.net` } }),
      /^text: .*NUL byte/,
    );
    await expectRefused(
      () =>
        call(failuresRetry.POST, '/api/failures/retry', {
          json: { stage: 'preflight', errorCode: `x${NUL}`, runIds: ['00000000-0000-4000-8000-000000000000'] },
        }),
      /^errorCode: .*NUL byte/,
    );
    await expectRefused(
      () =>
        call(cloudstack.PUT, '/api/settings/cloudstack', {
          method: 'PUT',
          json: { endpoint: 'https://cs.example/client/api', apiKey: `k${NUL}`, zoneId: 'z', secretKey: 's' },
        }),
      /^apiKey: .*NUL byte/,
    );
  });
});
