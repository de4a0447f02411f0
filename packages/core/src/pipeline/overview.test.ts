import { describe, expect, it } from 'vitest';
import { migrationProgress, syncBytesPerMinute, type SyncProgress } from './overview';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 5, 10, minute));
const MiB = 1024n * 1024n;
const sync = (start: number, end: number | null, mib: bigint, heartbeat: number | null = end): SyncProgress => ({
  startedAt: at(start),
  finishedAt: end === null ? null : at(end),
  heartbeatAt: heartbeat === null ? null : at(heartbeat),
  bytesDone: mib * MiB,
});

describe('syncBytesPerMinute', () => {
  it('counts a sync that ran wholly inside the window', () => {
    // 300 MiB in the last 15 minutes: 20 MiB a minute
    expect(syncBytesPerMinute([sync(50, 55, 300n)], at(45), at(60))).toBe(20 * Number(MiB));
  });

  it("gives the window its share of a sync that started before it, at the sync's average rate", () => {
    // 10 minutes, 600 MiB: 60 MiB a minute, 5 of those minutes fall in the window
    expect(syncBytesPerMinute([sync(40, 50, 600n)], at(45), at(60))).toBe((300 * Number(MiB)) / 15);
  });

  it('counts a running sync up to its last progress write', () => {
    expect(syncBytesPerMinute([sync(50, null, 100n, 55)], at(45), at(60))).toBe((100 * Number(MiB)) / 15);
  });

  it('ignores syncs outside the window, without progress or never started', () => {
    const never: SyncProgress = { startedAt: null, finishedAt: null, heartbeatAt: null, bytesDone: null };
    expect(syncBytesPerMinute([sync(10, 20, 500n), sync(50, null, 0n, 52), never], at(45), at(60))).toBe(0);
  });

  it('counts a sync that took no measurable time in full when it happened inside the window', () => {
    expect(syncBytesPerMinute([sync(50, 50, 15n)], at(45), at(60))).toBe(Number(MiB));
    expect(syncBytesPerMinute([sync(44, 44, 15n)], at(45), at(60))).toBe(0);
  });

  it('adds up several syncs, and an empty window copies nothing', () => {
    expect(syncBytesPerMinute([sync(50, 55, 150n), sync(46, 59, 150n)], at(45), at(60))).toBe(20 * Number(MiB));
    expect(syncBytesPerMinute([sync(50, 55, 150n)], at(60), at(60))).toBe(0);
  });
});

describe('migrationProgress', () => {
  it('sums the migration states into done, in progress, failed and left', () => {
    expect(
      migrationProgress({ migrated: 5, queued: 2, migrating: 3, failed: 1, not_started: 10, cancelled: 4 }),
    ).toEqual({ done: 5, inProgress: 5, failed: 1, left: 14, total: 25 });
  });

  it('is all zeros without containers', () => {
    expect(migrationProgress({})).toEqual({ done: 0, inProgress: 0, failed: 0, left: 0, total: 0 });
  });
});
