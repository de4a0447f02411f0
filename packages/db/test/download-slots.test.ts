// The secondary storage download slots against a real PostgreSQL: leases of
// a run, given back by its rollback or cancel, and freeing themselves when
// their holder stopped renewing them (a crashed worker). A slot left held by
// a run that ended used to block every later register_template for ever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acquireDownloadSlot,
  assignRun,
  cancelRun,
  completeCancel,
  completeRollback,
  createBatch,
  DOWNLOAD_SLOT_LEASE_MS,
  downloadSlotsHeld,
  startBatch,
} from '../src';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let tdb: TestDatabase;
const actor = { name: 'eng@example.com' };
const GiB = 1024n ** 3n;
let boxId: string;
let hostId: string;
let nextCtid = 100;

beforeAll(async () => {
  tdb = await createTestDatabase('slots');
  const host = await tdb.prisma.sourceHost.create({
    data: { name: 'hv-s', address: '127.0.0.1', privateKeyEnc: 'v1:x', maxConcurrentMigrations: 50 },
  });
  hostId = host.id;
  const box = await tdb.prisma.converterBox.create({
    data: {
      name: 'conv-s',
      workDir: '/tmp/w',
      freeDiskBytes: 5000n * GiB,
      totalDiskBytes: 10000n * GiB,
      cores: 2,
      maxConcurrentRuns: 50,
    },
  });
  boxId = box.id;
});
afterAll(async () => {
  await tdb?.drop();
});

/** A run given to the box (running), as the scheduler leaves it. */
async function runningRun(): Promise<string> {
  const ctid = nextCtid++;
  const container = await tdb.prisma.container.create({
    data: { sourceHostId: hostId, sourceCtid: ctid, hostname: `ct${ctid}.test` },
  });
  const batch = await createBatch(tdb.db, { name: `b${ctid}`, containerIds: [container.id] }, actor);
  await startBatch(tdb.db, batch.id, {});
  const run = await tdb.prisma.migrationRun.findFirstOrThrow({ where: { batchId: batch.id } });
  await assignRun(tdb.db, run.id, boxId, GiB, new Date());
  return run.id;
}

/** As finishStageRun leaves a run whose stage failed in the downtime. */
async function failInDowntime(runId: string) {
  await tdb.prisma.migrationRun.update({
    where: { id: runId },
    data: { status: 'rolling_back', failedStage: 'register_template', errorCode: 'template_download_failed' },
  });
}

describe('template download slots', () => {
  it('are given back by rollbacks and cancels: after four of them a fifth run still gets a slot', async () => {
    const now = new Date();
    const holders = [await runningRun(), await runningRun(), await runningRun(), await runningRun()];
    for (const runId of holders) expect(await acquireDownloadSlot(tdb.db, runId, 4, now)).toBe(true);
    const fifth = await runningRun();
    expect(await acquireDownloadSlot(tdb.db, fifth, 4, now)).toBe(false);
    // a holder asking again renews its own lease, it takes no second slot
    expect(await acquireDownloadSlot(tdb.db, holders[0]!, 4, now)).toBe(true);
    expect(await downloadSlotsHeld(tdb.db, now)).toBe(4);

    for (const runId of holders.slice(0, 2)) {
      await failInDowntime(runId);
      await completeRollback(tdb.db, runId, new Date());
    }
    for (const runId of holders.slice(2)) {
      await cancelRun(tdb.db, runId, actor);
      await completeCancel(tdb.db, runId, new Date());
    }
    expect(await downloadSlotsHeld(tdb.db, new Date())).toBe(0);
    expect(await acquireDownloadSlot(tdb.db, fifth, 4, new Date())).toBe(true);
  });

  it("expire when their holder stops renewing them (a crashed worker), not while the holder's stage heartbeats", async () => {
    await tdb.prisma.templateDownloadSlot.deleteMany();
    const t0 = new Date();
    const later = new Date(t0.getTime() + DOWNLOAD_SLOT_LEASE_MS + 1_000);
    const crashed = await runningRun();
    const other = await runningRun();
    expect(await acquireDownloadSlot(tdb.db, crashed, 1, t0)).toBe(true);
    expect(await acquireDownloadSlot(tdb.db, other, 1, t0)).toBe(false);

    // a stage of the holder still heartbeats (a long final_sync): the slot stays its own
    await tdb.prisma.migrationRun.update({
      where: { id: crashed },
      data: { leaseOwner: 'w', leaseExpiresAt: new Date(later.getTime() + 60_000) },
    });
    expect(await acquireDownloadSlot(tdb.db, other, 1, later)).toBe(false);

    // its worker died: no heartbeat, the lease ran out; the run is still "running" in the table
    await tdb.prisma.migrationRun.update({ where: { id: crashed }, data: { leaseExpiresAt: t0 } });
    expect(await acquireDownloadSlot(tdb.db, other, 1, later)).toBe(true);
    expect(await tdb.prisma.templateDownloadSlot.findMany({ select: { runId: true } })).toEqual([{ runId: other }]);
  });
});
