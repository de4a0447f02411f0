// The landing pages' queries against a real PostgreSQL: what runs where, the
// boxes' throughput, failed runs, the next downtime windows, the manager's
// numbers and why an inventory is still empty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyInventory,
  createBatch,
  createInventoryImport,
  getInventoryState,
  getMigrationProgress,
  getOperationsOverview,
} from '../src';
import { createTestDatabase, sampleInventoryContainer, type TestDatabase } from '../src/testing';

const actor = { name: 'eng@example.com' };
const GiB = 1024n ** 3n;
const MiB = 1024n ** 2n;
const NOW = new Date('2026-12-05T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

describe('the operations overview', () => {
  let t: TestDatabase;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDatabase('overview');
    const db = t.prisma;
    const hv1 = await db.sourceHost.create({ data: { name: 'hv1', address: '10.0.0.1', privateKeyEnc: 'v1:x' } });
    const hv2 = await db.sourceHost.create({ data: { name: 'hv2', address: '10.0.0.2', privateKeyEnc: 'v1:x' } });
    const box = (name: string, heartbeat: Date) =>
      db.converterBox.create({
        data: {
          name,
          workDir: '/srv/work',
          freeDiskBytes: 300n * GiB,
          totalDiskBytes: 1000n * GiB,
          cores: 8,
          maxConcurrentRuns: 4,
          lastHeartbeatAt: heartbeat,
        },
      });
    const conv1 = await box('conv1', minutesAgo(0.1));
    const conv2 = await box('conv2', minutesAgo(5));
    const containers = [];
    for (let i = 0; i < 10; i++) {
      containers.push(
        await db.container.create({
          data: {
            sourceHostId: i % 2 ? hv2.id : hv1.id,
            sourceCtid: 100 + i,
            hostname: `ct${100 + i}.example.net`,
            downtimeWindow: i === 5 || i === 6 ? '02:00-04:00' : null,
          },
        }),
      );
    }
    const batch = await createBatch(tdb(), { name: 'wave', containerIds: containers.map((c) => c.id) }, actor);
    const runs = await db.migrationRun.findMany({ where: { batchId: batch.id }, include: { container: true } });
    const run = (ctid: number) => runs.find((r) => r.container.sourceCtid === ctid)!;
    for (const r of runs) ids[r.container.sourceCtid] = r.id;

    // 100: syncing on conv1, 40 % through 400 MiB started 10 minutes ago
    await setRun(run(100).id, {
      status: 'running',
      currentStage: 'initial_sync',
      converterBoxId: conv1.id,
      startedAt: minutesAgo(12),
    });
    await db.stageRun.create({
      data: {
        runId: run(100).id,
        stage: 'initial_sync',
        status: 'running',
        converterBoxId: conv1.id,
        progressPercent: 40,
        bytesDone: 400n * MiB,
        startedAt: minutesAgo(10),
        heartbeatAt: NOW,
      },
    });
    // 101: from hv2, rolling back on conv2; 102: a final sync that finished 5 minutes ago on conv1
    await setRun(run(101).id, {
      status: 'rolling_back',
      currentStage: 'deploy_vm',
      converterBoxId: conv2.id,
      startedAt: minutesAgo(30),
    });
    await setRun(run(102).id, {
      status: 'succeeded',
      converterBoxId: conv1.id,
      startedAt: minutesAgo(40),
      finishedAt: minutesAgo(2),
    });
    await db.stageRun.create({
      data: {
        runId: run(102).id,
        stage: 'final_sync',
        status: 'succeeded',
        converterBoxId: conv1.id,
        bytesDone: 150n * MiB,
        startedAt: minutesAgo(6),
        finishedAt: minutesAgo(5),
      },
    });
    // a second final sync, too quick to report progress: its statistics say what it copied
    await db.stageRun.create({
      data: {
        runId: run(102).id,
        stage: 'final_sync',
        attempt: 2,
        status: 'succeeded',
        converterBoxId: conv1.id,
        result: { files: 10, deleted: 0, bytesSent: String(30n * MiB), bytesTotal: String(900n * MiB) },
        startedAt: minutesAgo(3),
        finishedAt: minutesAgo(3),
      },
    });
    // an old sync, long before the window, does not count
    await db.stageRun.create({
      data: {
        runId: run(102).id,
        stage: 'initial_sync',
        status: 'succeeded',
        converterBoxId: conv1.id,
        bytesDone: 9000n * MiB,
        startedAt: minutesAgo(39),
        finishedAt: minutesAgo(30),
      },
    });
    // 103 finished two hours ago: not in the last hour
    await setRun(run(103).id, { status: 'succeeded', converterBoxId: conv1.id, finishedAt: minutesAgo(120) });
    // failed ones: 104 newest, 107 older, 108 oldest
    await setRun(run(104).id, {
      status: 'failed',
      failedStage: 'register_template',
      error: 'the download failed',
      finishedAt: minutesAgo(1),
    });
    await setRun(run(107).id, {
      status: 'failed',
      failedStage: 'preflight',
      error: 'no room',
      finishedAt: minutesAgo(50),
    });
    await setRun(run(108).id, {
      status: 'failed',
      failedStage: 'preflight',
      error: 'no room',
      finishedAt: minutesAgo(500),
    });
    // waiting for their windows: 106 tomorrow, 105 tonight
    await setRun(run(105).id, {
      status: 'waiting',
      currentStage: 'await_cutover',
      converterBoxId: conv1.id,
      plannedWindowStart: new Date('2026-12-06T02:00:00Z'),
      plannedWindowEnd: new Date('2026-12-06T04:00:00Z'),
    });
    await setRun(run(106).id, {
      status: 'waiting',
      currentStage: 'await_cutover',
      converterBoxId: conv2.id,
      plannedWindowStart: new Date('2026-12-07T02:00:00Z'),
      plannedWindowEnd: new Date('2026-12-07T04:00:00Z'),
    });
    // 109 queued for a box
    await setRun(run(109).id, { status: 'queued' });
  });
  afterAll(async () => {
    await t?.drop();
  });

  const tdb = () => t.db;
  // test setup writes statuses directly: what the pipeline would have left behind
  const setRun = (id: string, data: Parameters<TestDatabase['prisma']['migrationRun']['update']>[0]['data']) =>
    t.prisma.migrationRun.update({ where: { id }, data });

  it('lists every box with its free disk, heartbeat and whether it is online', async () => {
    const o = await getOperationsOverview(t.db, NOW);
    expect(o.boxes.map((b) => [b.name, b.online, b.freeDiskBytes, b.maxConcurrentRuns])).toEqual([
      ['conv1', true, 300n * GiB, 4],
      ['conv2', false, 300n * GiB, 4],
    ]);
  });

  it('gives the active runs with their stage, progress, box and source host', async () => {
    const o = await getOperationsOverview(t.db, NOW);
    const byCtid = Object.fromEntries(o.activeRuns.map((r) => [r.container.sourceCtid, r]));
    expect(Object.keys(byCtid).map(Number).sort()).toEqual([100, 101, 105, 106]);
    expect(byCtid[100]).toMatchObject({
      id: ids[100],
      status: 'running',
      currentStage: 'initial_sync',
      progressPercent: 40,
      box: { name: 'conv1' },
      container: { sourceHost: { name: 'hv1' } },
    });
    expect(byCtid[101]).toMatchObject({
      status: 'rolling_back',
      box: { name: 'conv2' },
      container: { sourceHost: { name: 'hv2' } },
    });
    expect(o.queuedRuns).toBe(1);
    expect(o.hosts.map((h) => h.name)).toEqual(['hv1', 'hv2']);
  });

  it('measures throughput as bytes synced per minute in the last 15 minutes and runs finished in the last hour', async () => {
    const o = await getOperationsOverview(t.db, NOW);
    const conv1 = o.boxes.find((b) => b.name === 'conv1')!;
    // 400 MiB over 10 running minutes, 150 MiB finished 5 minutes ago and 30 MiB in an instant, all inside the window
    expect(o.throughputWindowMinutes).toBe(15);
    expect(conv1.syncBytesPerMinute).toBe(Math.round(Number(580n * MiB) / 15));
    expect(conv1.runsFinishedLastHour).toBe(1);
    const conv2 = o.boxes.find((b) => b.name === 'conv2')!;
    expect([conv2.syncBytesPerMinute, conv2.runsFinishedLastHour]).toEqual([0, 0]);
  });

  it('counts the failed runs and lists the newest first', async () => {
    const o = await getOperationsOverview(t.db, NOW);
    expect(o.failed.count).toBe(3);
    expect(o.failed.newest.map((r) => [r.container.sourceCtid, r.failedStage, r.batch.name])).toEqual([
      [104, 'register_template', 'wave'],
      [107, 'preflight', 'wave'],
      [108, 'preflight', 'wave'],
    ]);
    expect(o.failed.newest[0]!.error).toBe('the download failed');
  });

  it('lists the runs waiting for their downtime window, the soonest first', async () => {
    const o = await getOperationsOverview(t.db, NOW);
    expect(o.nextWindows.map((w) => [w.container.sourceCtid, w.plannedWindowStart?.toISOString()])).toEqual([
      [105, '2026-12-06T02:00:00.000Z'],
      [106, '2026-12-07T02:00:00.000Z'],
    ]);
    expect(o.nextWindows[0]!.container.downtimeWindow).toBe('02:00-04:00');
  });

  it("sums the containers' migration states into done, in progress, failed and left", async () => {
    // a container the customer deleted before it moved is not left to do
    await t.prisma.container.create({
      data: {
        sourceHostId: (await t.prisma.sourceHost.findFirstOrThrow()).id,
        sourceCtid: 999,
        vanishedAt: NOW,
      },
    });
    await t.prisma.container.updateMany({
      where: { sourceCtid: { in: [102, 103] } },
      data: { migrationState: 'migrated' },
    });
    await t.prisma.container.updateMany({
      where: { sourceCtid: { in: [104, 107, 108] } },
      data: { migrationState: 'failed' },
    });
    await t.prisma.container.updateMany({ where: { sourceCtid: 109 }, data: { migrationState: 'cancelled' } });
    // 100, 101, 105, 106 stay queued (createBatch) and count as in progress
    await t.prisma.container.updateMany({
      where: { sourceCtid: { in: [100, 101, 105, 106] } },
      data: { migrationState: 'migrating' },
    });
    expect(await getMigrationProgress(t.db)).toEqual({ done: 2, inProgress: 4, failed: 3, left: 1, total: 10 });
  });
});

describe('the inventory state', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('inventorystate');
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('says which hosts have no finished import yet, and who asked for the running one', async () => {
    expect(await getInventoryState(t.db)).toEqual({ containers: 0, hosts: [] });
    const hv = await t.prisma.sourceHost.create({
      data: { name: 'hv1', address: '10.0.0.1', privateKeyEnc: 'v1:x', hostKeyState: 'accepted' },
    });
    await t.prisma.sourceHost.create({ data: { name: 'hv2', address: '10.0.0.2', privateKeyEnc: 'v1:x' } });
    const imp = await createInventoryImport(t.db, hv.id, 'seed');
    expect(await getInventoryState(t.db)).toEqual({
      containers: 0,
      hosts: [
        {
          name: 'hv1',
          hostKeyState: 'accepted',
          lastImport: { status: 'queued', requestedBy: 'seed' },
          imported: false,
        },
        { name: 'hv2', hostKeyState: 'unknown', lastImport: null, imported: false },
      ],
    });
    await applyInventory(t.db, hv.id, imp.id, [sampleInventoryContainer(101)]);
    const state = await getInventoryState(t.db);
    expect(state.containers).toBe(1);
    expect(state.hosts[0]).toMatchObject({ imported: true, lastImport: { status: 'succeeded' } });
  });
});
