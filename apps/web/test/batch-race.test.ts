// One container, one active run (issue 13): two batches created at the same
// time both saw their containers free and each made a run for them, so one
// container was migrated twice at once. A partial unique index on the run's
// container (active statuses only) makes the later one fail; the route
// answers 409 naming the containers. Ended runs (failed, cancelled) do not
// count, and a retry cannot bring back a run whose container moved on.
import { applyInventory, createInventoryImport } from '@vzferry/db';
import { sampleInventoryContainer } from '@vzferry/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as batches from '@/app/api/batches/route';
import * as runRetry from '@/app/api/runs/[id]/retry/route';
import { startRouteHarness, type RouteHarness } from './support/route-harness';

let h: RouteHarness;
let hostId: string;
const ACTIVE = ['pending', 'queued', 'running', 'waiting', 'rolling_back'] as const;

beforeAll(async () => {
  h = await startRouteHarness('batchrace');
  hostId = (
    await h.t.prisma.sourceHost.create({ data: { name: 'hv-race', address: '10.0.0.41', privateKeyEnc: 'v1:x:y:z' } })
  ).id;
  const imp = await createInventoryImport(h.t.db, hostId, 'test');
  const ctids = Array.from({ length: 30 }, (_, i) => 401 + i);
  await applyInventory(
    h.t.db,
    hostId,
    imp.id,
    ctids.map((c) => sampleInventoryContainer(c)),
  );
});
afterAll(async () => {
  await h?.t.drop();
});

async function idsOf(ctids: number[]): Promise<string[]> {
  const rows = await h.t.prisma.container.findMany({
    where: { sourceCtid: { in: ctids } },
    orderBy: { sourceCtid: 'asc' },
  });
  return rows.map((r) => r.id);
}

async function activeRunsPerContainer(ids: string[]): Promise<number[]> {
  return Promise.all(
    ids.map((containerId) => h.t.prisma.migrationRun.count({ where: { containerId, status: { in: [...ACTIVE] } } })),
  );
}

const create = (name: string, containerIds: string[]) =>
  h.call(batches.POST, '/api/batches', { json: { name, containerIds } });

describe('two batches created at once', () => {
  it('give each container one active run: one batch is made (201), the other is refused (409) naming them', async () => {
    // a few rounds: the race is between two transactions, each round gives it another chance
    for (let round = 0; round < 4; round++) {
      const ids = await idsOf([401 + round * 3, 402 + round * 3, 403 + round * 3]);
      const [a, b] = await Promise.all([
        create(`race ${round} a`, ids.slice(0, 2)),
        create(`race ${round} b`, ids.slice(1)),
      ]);
      expect([a.status, b.status].sort(), `${a.text} ${b.text}`).toEqual([201, 409]);
      const refused = a.status === 409 ? a : b;
      expect(refused.body.error).toMatchObject({
        code: 'batch_invalid',
        message: expect.stringMatching(
          new RegExp(`container ${402 + round * 3} on hv-race is already in batch race ${round}`),
        ),
      });
      expect(await activeRunsPerContainer(ids)).toEqual(a.status === 201 ? [1, 1, 0] : [0, 1, 1]);
      // the refused batch left nothing behind
      expect(await h.t.prisma.batch.count({ where: { name: { startsWith: `race ${round} ` } } })).toBe(1);
    }
  });

  it('lets a container whose runs ended (failed, cancelled) join a new batch', async () => {
    const ids = await idsOf([420, 421]);
    expect((await create('ended 1', ids)).status).toBe(201);
    const runs = await h.t.prisma.migrationRun.findMany({ where: { containerId: { in: ids } } });
    await h.t.prisma.migrationRun.update({
      where: { id: runs[0]!.id },
      data: { status: 'failed', failedStage: 'preflight' },
    });
    await h.t.prisma.migrationRun.update({ where: { id: runs[1]!.id }, data: { status: 'cancelled' } });
    const again = await create('ended 2', ids);
    expect(again.status, again.text).toBe(201);
    expect(await activeRunsPerContainer(ids)).toEqual([1, 1]);
  });

  it('refuses to retry a failed run whose container is in another active run (409), and moves nothing', async () => {
    const [id] = await idsOf([420]);
    const failed = await h.t.prisma.migrationRun.findFirstOrThrow({ where: { containerId: id, status: 'failed' } });
    const res = await h.call(runRetry.POST, '/x', { method: 'POST', params: { id: failed.id } });
    expect(res).toMatchObject({
      status: 409,
      body: {
        error: { code: 'run_state', message: expect.stringMatching(/container 420 on hv-race is in batch ended 2/) },
      },
    });
    expect((await h.t.prisma.migrationRun.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe('failed');
    expect(await activeRunsPerContainer([id!])).toEqual([1]);
  });
});
