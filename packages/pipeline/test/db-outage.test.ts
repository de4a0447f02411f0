// PostgreSQL away for longer than a box's offline limit: no box can write its
// heartbeat meanwhile, so an old heartbeat is no evidence that the box died.
// The reconciler must judge boxes by the time the database was reachable; a
// stage that cannot keep its lease (database away) must stop its work.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assignRun,
  BOX_OFFLINE_AFTER_MS,
  claimStageRun,
  closeDb,
  createBatch,
  createDb,
  startBatch,
  type FollowUpJob,
} from '@vzferry/db';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import { reconcilerTick } from '../src/engine/reconciler';
import { runStageAttempt } from '../src/engine/stage-runner';
import type { StageRegistry } from '../src/stage-contract';

const GiB = 1024n ** 3n;
let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase('dboutage');
});
afterAll(async () => {
  await tdb?.drop();
});

async function runningRun(label: string, t0: Date) {
  const host = await tdb.prisma.sourceHost.create({
    data: { name: `hv-${label}`, address: '127.0.0.1', privateKeyEnc: 'v1:x' },
  });
  const container = await tdb.prisma.container.create({
    data: { sourceHostId: host.id, sourceCtid: 101, hostname: `ct.${label}`, diskQuotaKb: 1024n, diskUsedKb: 1n },
  });
  const box = await tdb.prisma.converterBox.create({
    data: {
      name: `conv-${label}`,
      workDir: '/tmp/w',
      freeDiskBytes: 500n * GiB,
      totalDiskBytes: 1000n * GiB,
      cores: 2,
      maxConcurrentRuns: 4,
      lastHeartbeatAt: t0,
    },
  });
  const batch = await createBatch(tdb.db, { name: `b-${label}`, containerIds: [container.id] }, { name: 'test' });
  await startBatch(tdb.db, batch.id, {});
  const run = await tdb.prisma.migrationRun.findFirstOrThrow({ where: { batchId: batch.id } });
  const job = await assignRun(tdb.db, run.id, box.id, GiB, t0);
  const stageRunId = (job!.payload as { stageRunId: string }).stageRunId;
  return { run, box, stageRunId };
}

const sink = async (_job: FollowUpJob) => 'added' as const;
const at = (t0: Date, s: number) => new Date(t0.getTime() + s * 1000);

describe('the reconciler after PostgreSQL was away', () => {
  it('does not take runs from a box whose heartbeat could not be written while the database was away', async () => {
    // far in the past, so that no other test's reconciler pass is near it
    const t0 = new Date(Date.now() - 7_200_000);
    const { run, box, stageRunId } = await runningRun('outage', t0);
    await claimStageRun(tdb.db, { stageRunId, owner: 'w1', boxId: box.id, now: t0 });
    await reconcilerTick(tdb.db, sink, t0);
    // PostgreSQL is away for 90 s: neither the box's heartbeat nor a reconciler pass is written
    const back = at(t0, 90);
    expect(BOX_OFFLINE_AFTER_MS).toBeLessThan(90_000);
    await reconcilerTick(tdb.db, sink, back);
    expect((await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('running');
    // the box beats again soon after: it is alive, its run stays
    await tdb.prisma.converterBox.update({ where: { id: box.id }, data: { lastHeartbeatAt: at(t0, 95) } });
    for (let s = 100; s <= 150; s += 10) await reconcilerTick(tdb.db, sink, at(t0, s));
    const after = await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.status).toBe('running');
    expect(after.converterBoxId).toBe(box.id);
  });

  it('still takes the runs of a box that stays silent while the database is reachable', async () => {
    const t0 = new Date(Date.now() - 3_600_000);
    const { run, box, stageRunId } = await runningRun('silent', t0);
    await claimStageRun(tdb.db, { stageRunId, owner: 'w1', boxId: box.id, now: t0 });
    await reconcilerTick(tdb.db, sink, t0);
    await reconcilerTick(tdb.db, sink, at(t0, 90)); // the database comes back after 90 s
    for (let s = 100; s <= 140; s += 10) await reconcilerTick(tdb.db, sink, at(t0, s));
    expect((await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('running');
    // the box has had 60 s of a reachable database to beat, and did not
    await reconcilerTick(tdb.db, sink, at(t0, 150));
    await reconcilerTick(tdb.db, sink, at(t0, 160));
    expect((await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('queued');
  });
});

/** A TCP relay to PostgreSQL that the test can cut, as a network outage would. */
async function relayToPostgres(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    /** refuse new connections and break the open ones */
    cut: async () => {
      await new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

describe('a stage whose heartbeats cannot be written', () => {
  it('is aborted instead of going on without its lease', async () => {
    const t0 = new Date();
    const { box, stageRunId } = await runningRun('beatfail', t0);
    const relay = await relayToPostgres(new URL(tdb.url));
    const viaRelay = new URL(tdb.url);
    viaRelay.host = `127.0.0.1:${relay.port}`;
    const db = createDb(viaRelay.toString(), { max: 2 });
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    let abortedAfterMs: number | null = null;
    const stages = {
      preflight: async (ctx) => {
        started();
        const t = Date.now();
        // the stage's own work: it goes on until it is told to stop
        await new Promise<void>((resolve) => {
          ctx.signal.addEventListener('abort', () => resolve());
          setTimeout(resolve, 15_000);
        });
        if (ctx.signal.aborted) abortedAfterMs = Date.now() - t;
        return { outcome: { kind: 'succeeded' } };
      },
    } as Partial<StageRegistry<object>> as StageRegistry<object>;
    try {
      const attempt = runStageAttempt(
        { db, owner: 'w1', boxId: box.id, stages, deps: {}, enqueue: async () => {}, heartbeatMs: 100, leaseMs: 4_000 },
        stageRunId,
      );
      await running;
      await relay.cut();
      await attempt;
      // stopped well before the lease (4 s) ran out and another worker could take the stage
      expect(abortedAfterMs).not.toBeNull();
      expect(abortedAfterMs!).toBeLessThan(4_000);
    } finally {
      await closeDb(db).catch(() => {});
    }
  }, 30_000);
});
