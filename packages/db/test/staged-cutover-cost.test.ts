// The fixed cost of a staged cutover, measured on this zone's finished
// staged runs (each one's downtime less twice its last catch-up sync), as
// await_cutover uses it for the projected downtime instead of the model's
// constant: only staged runs that succeeded and caught up count, the median
// of the last ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measuredStagedCutoverCost } from '../src';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let tdb: TestDatabase;
let hostId: string;
let batchId: string;
let ctid = 100;

beforeAll(async () => {
  tdb = await createTestDatabase('stagedcost');
  const host = await tdb.prisma.sourceHost.create({
    data: { name: 'hv-s', address: '127.0.0.1', privateKeyEnc: 'v1:x' },
  });
  hostId = host.id;
  const batch = await tdb.prisma.batch.create({ data: { name: 'wave', status: 'running', concurrency: 5 } });
  batchId = batch.id;
});
afterAll(async () => {
  await tdb?.drop();
});

/** A finished run: its downtime in seconds from 03:00, and its catch-up syncs' durations in seconds, oldest first. */
async function run(o: {
  path: 'staged' | 'classic';
  status?: 'succeeded' | 'failed';
  downtimeS: number;
  catchUpS: number[];
  endedAt?: string;
}): Promise<void> {
  const container = await tdb.prisma.container.create({ data: { sourceHostId: hostId, sourceCtid: ctid++ } });
  const ended = new Date(o.endedAt ?? '2026-12-10T03:10:00Z');
  await tdb.prisma.migrationRun.create({
    data: {
      batchId,
      containerId: container.id,
      status: o.status ?? 'succeeded',
      cutoverPath: o.path,
      downtimeStartedAt: new Date(ended.getTime() - o.downtimeS * 1000),
      downtimeEndedAt: ended,
      catchUpSyncs: {
        create: o.catchUpS.map((s, i) => ({
          startedAt: new Date(ended.getTime() - 3_600_000 + i * 60_000),
          durationMs: s * 1000,
          files: 10,
          filesTransferred: 1,
          bytesTransferred: 100n,
          bytesTotal: 1000n,
        })),
      },
    },
  });
}

describe('the measured fixed cost of a staged cutover', () => {
  it('is unknown before the first staged cutover, whatever classic runs did', async () => {
    await run({ path: 'classic', downtimeS: 300, catchUpS: [5] });
    expect(await measuredStagedCutoverCost(tdb.db)).toBeNull();
  });

  it("is each staged cutover's downtime less twice its last catch-up sync; the median of them", async () => {
    // 40 - 2*5 = 30; 50 - 2*4 = 42 (an older, slower catch-up does not count); 100 - 2*10 = 80
    await run({ path: 'staged', downtimeS: 40, catchUpS: [5] });
    await run({ path: 'staged', downtimeS: 50, catchUpS: [30, 4] });
    await run({ path: 'staged', downtimeS: 100, catchUpS: [10] });
    // not counted: a failed staged run, one without a catch-up sync
    await run({ path: 'staged', status: 'failed', downtimeS: 900, catchUpS: [1] });
    await run({ path: 'staged', downtimeS: 900, catchUpS: [] });
    expect(await measuredStagedCutoverCost(tdb.db)).toEqual({ fixedMs: 42_000, runs: 3 });
    // an even count: the mean of the middle two (42 and 80)
    await run({ path: 'staged', downtimeS: 120, catchUpS: [1] });
    expect(await measuredStagedCutoverCost(tdb.db)).toEqual({ fixedMs: 61_000, runs: 4 });
  });

  it('follows the last 20 staged cutovers, so the zone as it is now decides', async () => {
    for (let i = 0; i < 20; i++)
      await run({ path: 'staged', downtimeS: 20, catchUpS: [5], endedAt: `2026-12-11T03:${String(i + 10)}:00Z` });
    expect(await measuredStagedCutoverCost(tdb.db)).toEqual({ fixedMs: 10_000, runs: 20 });
  });
});
