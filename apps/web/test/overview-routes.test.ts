// The landing pages' API routes against a real PostgreSQL: what each
// answers on the wire (bigints and dates as text, nothing undeclared) and the
// access each declares.
import { createBatch } from '@vzferry/db';
import type { TestDatabase } from '@vzferry/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as inventory from '@/app/api/overview/inventory/route';
import * as progress from '@/app/api/overview/progress/route';
import * as overview from '@/app/api/overview/route';
import { routeSpecOf, type RouteHandler } from '@/server/route';
import { startRouteHarness, type RouteHarness } from './support/route-harness';

let h: RouteHarness;
let t: TestDatabase;
const GiB = 1024n ** 3n;

async function get(handler: RouteHandler, url: string) {
  const res = await h.call(handler, url, { as: 'support' });
  return { status: res.status, body: res.body as Record<string, unknown> };
}

beforeAll(async () => {
  h = await startRouteHarness('weboverview');
  t = h.t;
  const hv = await t.prisma.sourceHost.create({ data: { name: 'hv1', address: '10.0.0.1', privateKeyEnc: 'v1:x' } });
  const box = await t.prisma.converterBox.create({
    data: {
      name: 'conv1',
      workDir: '/srv/work',
      freeDiskBytes: 300n * GiB,
      totalDiskBytes: 1000n * GiB,
      cores: 8,
      maxConcurrentRuns: 4,
    },
  });
  const ct = await t.prisma.container.create({ data: { sourceHostId: hv.id, sourceCtid: 101, hostname: 'a.example' } });
  const batch = await createBatch(t.db, { name: 'wave', containerIds: [ct.id] }, { name: 'test' });
  await t.prisma.migrationRun.updateMany({
    where: { batchId: batch.id },
    data: {
      status: 'failed',
      failedStage: 'preflight',
      error: 'no room',
      finishedAt: new Date(),
      converterBoxId: box.id,
    },
  });
  await t.prisma.container.update({ where: { id: ct.id }, data: { migrationState: 'failed' } });
});
afterAll(async () => {
  await t?.drop();
});

describe('the landing routes', () => {
  it('all need read access, which every role has', () => {
    for (const handler of [overview.GET, inventory.GET, progress.GET])
      expect(routeSpecOf(handler)?.access).toBe('read');
  });

  it('answer the operations overview with bigints and dates as text', async () => {
    const res = await get(overview.GET, '/api/overview');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      throughputWindowMinutes: 15,
      boxes: [{ name: 'conv1', freeDiskBytes: String(300n * GiB), totalDiskBytes: String(1000n * GiB), online: true }],
      failed: { count: 1, newest: [{ failedStage: 'preflight', error: 'no room', batch: { name: 'wave' } }] },
      activeRuns: [],
      queuedRuns: 0,
    });
    expect(typeof res.body.now).toBe('string');
    // what the schema does not declare stays on the server
    expect(Object.keys((res.body.boxes as object[])[0]!).sort()).toEqual(
      [
        'freeDiskBytes',
        'id',
        'lastHeartbeatAt',
        'maxConcurrentRuns',
        'name',
        'online',
        'runsFinishedLastHour',
        'status',
        'syncBytesPerMinute',
        'totalDiskBytes',
      ].sort(),
    );
  });

  it("answer the manager's numbers and the inventory's state", async () => {
    expect((await get(progress.GET, '/api/overview/progress')).body).toEqual({
      done: 0,
      inProgress: 0,
      failed: 1,
      left: 0,
      total: 1,
    });
    expect((await get(inventory.GET, '/api/overview/inventory')).body).toEqual({
      containers: 1,
      hosts: [{ name: 'hv1', hostKeyState: 'unknown', lastImport: null, imported: false }],
    });
  });
});
