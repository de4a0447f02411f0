import { describe, expect, it } from 'vitest';
import { diskNeedBytes, formatBytes, planStarts, type BoxCapacity, type CandidateRun } from './capacity';

const GiB = 1024n ** 3n;
const box = (id: string, freeGiB: number, maxRuns = 4, online = true): BoxCapacity => ({
  id,
  name: id,
  freeDiskBytes: BigInt(freeGiB) * GiB,
  maxConcurrentRuns: maxRuns,
  online,
});
const run = (runId: string, diskGiB: number, batchId = 'b1', sourceHostId = 'h1'): CandidateRun => ({
  runId,
  batchId,
  sourceHostId,
  diskBytes: BigInt(diskGiB) * GiB,
});
const limits = (batch = 10, host = 10) => ({
  batchConcurrency: new Map([['b1', batch]]),
  hostConcurrency: new Map([
    ['h1', host],
    ['h2', host],
  ]),
});

describe('planStarts', () => {
  it('starts runs on the box with the most free disk and reserves the space', () => {
    const plan = planStarts([run('r1', 60), run('r2', 60)], [], [box('c1', 100), box('c2', 80)], limits());
    expect(plan.starts).toEqual([
      { runId: 'r1', converterBoxId: 'c1' },
      { runId: 'r2', converterBoxId: 'c2' },
    ]);
  });

  it('keeps a run waiting with a reason when no box has room for its disk', () => {
    const plan = planStarts([run('big', 500)], [], [box('c1', 100), box('c2', 300)], limits());
    expect(plan.starts).toEqual([]);
    expect(plan.waiting[0]!.reason).toBe(
      'no converter box has 500 GiB free for this container (most free: c2 with 300 GiB)',
    );
  });

  it('lets a small run pass a big one that does not fit (no head-of-line blocking)', () => {
    const plan = planStarts([run('big', 500), run('small', 10)], [], [box('c1', 100)], limits());
    expect(plan.starts.map((s) => s.runId)).toEqual(['small']);
  });

  it('holds the batch, source host and box limits, counting runs already active', () => {
    const active = [
      {
        runId: 'a1',
        batchId: 'b1',
        sourceHostId: 'h1',
        converterBoxId: 'c1',
        reservedDiskBytes: 10n * GiB,
        usedDiskBytes: 10n * GiB,
      },
    ];
    const byBatch = planStarts([run('r1', 1), run('r2', 1)], active, [box('c1', 100)], limits(2, 10));
    expect(byBatch.starts.map((s) => s.runId)).toEqual(['r1']);
    expect(byBatch.waiting[0]!.reason).toMatch(/batch b1 is at its limit of 2/);

    const byHost = planStarts([run('r1', 1), run('r2', 1, 'b1', 'h2')], active, [box('c1', 100)], limits(10, 1));
    expect(byHost.starts.map((s) => s.runId)).toEqual(['r2']);
    expect(byHost.waiting[0]!.reason).toMatch(/source host h1 is at its limit of 1/);

    const byBox = planStarts([run('r1', 1)], active, [box('c1', 100, 1)], limits());
    expect(byBox.waiting[0]!.reason).toMatch(/maximum number of migrations/);
  });

  it("holds a batch's per-hypervisor limit on each source host, counting its runs already active there", () => {
    const active = [
      {
        runId: 'a1',
        batchId: 'b1',
        sourceHostId: 'h1',
        converterBoxId: 'c1',
        reservedDiskBytes: GiB,
        usedDiskBytes: GiB,
      },
    ];
    const perHost = { ...limits(), batchHostConcurrency: new Map([['b1', 2]]) };
    const plan = planStarts(
      [run('r1', 1), run('r2', 1), run('r3', 1, 'b1', 'h2'), run('r4', 1, 'b1', 'h2'), run('r5', 1, 'b1', 'h2')],
      active,
      [box('c1', 100, 10)],
      perHost,
    );
    // h1 had one of the batch's runs: one more; h2 none: two
    expect(plan.starts.map((s) => s.runId)).toEqual(['r1', 'r3', 'r4']);
    expect(plan.waiting).toEqual([
      { runId: 'r2', reason: 'batch b1 is at its limit of 2 concurrent runs on source host h1' },
      { runId: 'r5', reason: 'batch b1 is at its limit of 2 concurrent runs on source host h2' },
    ]);
  });

  it("applies a batch's per-hypervisor limit to that batch only", () => {
    const plan = planStarts(
      [run('r1', 1), run('r2', 1), run('o1', 1, 'b2'), run('o2', 1, 'b2')],
      [],
      [box('c1', 100, 10)],
      {
        batchConcurrency: new Map([
          ['b1', 10],
          ['b2', 10],
        ]),
        hostConcurrency: new Map([['h1', 10]]),
        batchHostConcurrency: new Map([['b1', 1]]),
      },
    );
    expect(plan.starts.map((s) => s.runId)).toEqual(['r1', 'o1', 'o2']);
  });

  it('counts the not-yet-written part of active reservations against free disk', () => {
    const active = [
      {
        runId: 'a1',
        batchId: 'b9',
        sourceHostId: 'h9',
        converterBoxId: 'c1',
        reservedDiskBytes: 80n * GiB,
        usedDiskBytes: 20n * GiB,
      },
    ];
    const plan = planStarts([run('r1', 50)], active, [box('c1', 100)], limits());
    expect(plan.waiting[0]!.reason).toMatch(/most free: c1 with 40 GiB/);
  });

  it('never picks an offline box', () => {
    const plan = planStarts([run('r1', 1)], [], [box('c1', 100, 4, false)], limits());
    expect(plan.waiting[0]!.reason).toBe('no converter box is online');
  });
});

describe('disk sizing', () => {
  it('needs quota + used + 5 % + 1 GiB', () => {
    expect(diskNeedBytes(20n * GiB, 4n * GiB)).toBe(20n * GiB + 4n * GiB + GiB + GiB);
  });
  it('formats bytes for people', () => {
    expect(formatBytes(0n)).toBe('0 B');
    expect(formatBytes(1536n)).toBe('1.5 KiB');
    expect(formatBytes(212n * GiB)).toBe('212 GiB');
  });
});
