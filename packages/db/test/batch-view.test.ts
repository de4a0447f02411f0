// The batch page's rows: a stable order while their runs change, and why a
// queued run waits told apart from an error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch, findBatchHeading, findRunHeading, getBatchView, recordWaitingReasons, startBatch } from '../src';
import { createTestDatabase, type TestDatabase } from '../src/testing';

const actor = { name: 'eng@example.com' };
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase('batchview');
});
afterAll(async () => {
  await t?.drop();
});

async function batchOf(label: string, ctids: number[]) {
  const hvA = await t.prisma.sourceHost.create({
    data: { name: `a-${label}`, address: '10.0.0.1', privateKeyEnc: 'v1:x' },
  });
  const hvB = await t.prisma.sourceHost.create({
    data: { name: `b-${label}`, address: '10.0.0.2', privateKeyEnc: 'v1:x' },
  });
  const containers = [];
  // created in an order that is not the CTIDs' (and one CTID on two hosts), as an import may
  for (const [i, ctid] of ctids.entries()) {
    containers.push(
      await t.prisma.container.create({ data: { sourceHostId: i % 2 ? hvA.id : hvB.id, sourceCtid: ctid } }),
    );
  }
  return createBatch(t.db, { name: label, containerIds: containers.map((c) => c.id) }, actor);
}

const order = async (id: string) =>
  (await getBatchView(t.db, id)).runs.map((r) => `${r.container.sourceCtid}@${r.container.sourceHost.name}`);

describe('the batch view', () => {
  it('lists the runs by CTID and host, and keeps that order while the runs change', async () => {
    const batch = await batchOf('order', [305, 101, 204, 150, 101]);
    const expected = ['101@a-order', '101@b-order', '150@a-order', '204@b-order', '305@b-order'];
    expect(await order(batch.id)).toEqual(expected);
    // updated rows move in PostgreSQL's heap; the page must not follow them
    const runs = await t.prisma.migrationRun.findMany({ where: { batchId: batch.id } });
    for (const r of runs.reverse()) {
      await t.prisma.migrationRun.update({ where: { id: r.id }, data: { error: 'touched' } });
    }
    await t.prisma.migrationRun.update({ where: { id: runs[2]!.id }, data: { error: 'touched again' } });
    expect(await order(batch.id)).toEqual(expected);
  });

  it('gives a queued run its waiting reason apart from errors', async () => {
    const batch = await batchOf('waiting', [1, 2]);
    await startBatch(t.db, batch.id, {});
    const [first, second] = (await getBatchView(t.db, batch.id)).runs;
    await recordWaitingReasons(t.db, [{ runId: first!.id, reason: 'no converter box is online' }]);
    await t.prisma.migrationRun.update({ where: { id: second!.id }, data: { error: 'rsync failed' } });
    const view = await getBatchView(t.db, batch.id);
    expect(view.runs.map((r) => [r.waitingReason, r.error])).toEqual([
      ['no converter box is online', null],
      [null, 'rsync failed'],
    ]);
  });

  it("finds a run's and a batch's heading, and nothing for an id that names none", async () => {
    const batch = await batchOf('heading', [42]);
    const [run] = (await getBatchView(t.db, batch.id)).runs;
    expect(await findBatchHeading(t.db, batch.id)).toEqual({ id: batch.id, name: 'heading' });
    expect(await findRunHeading(t.db, run!.id)).toEqual({ id: run!.id, container: { sourceCtid: 42, hostname: null } });
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await findBatchHeading(t.db, unknown)).toBeNull();
    expect(await findRunHeading(t.db, unknown)).toBeNull();
  });
});
