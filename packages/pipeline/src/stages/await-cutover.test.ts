import { describe, expect, it } from 'vitest';
import { pipelineSettingsSchema, STAGED_FIXED_SECONDS } from '@vzferry/core';
import type { StageContext } from '../stage-contract';
import type { StageDeps } from '../stage-deps';
import { awaitCutover, catchUpDue } from './await-cutover';

const every = (minutes: number) => pipelineSettingsSchema.parse({ catchUpSyncIntervalMinutes: minutes });
const at = (iso: string) => new Date(`2026-12-01T${iso}Z`);

describe('catchUpDue', () => {
  it('is due once the interval has passed since the copy last caught up, not before', () => {
    expect(catchUpDue(at('10:00:00'), at('10:59:59'), every(60))).toBe(false);
    expect(catchUpDue(at('10:00:00'), at('11:00:00'), every(60))).toBe(true);
    expect(catchUpDue(at('10:00:00'), at('10:05:00'), every(5))).toBe(true);
  });

  it('never with an interval of 0, and at once for a run whose last sync is not known', () => {
    expect(catchUpDue(at('10:00:00'), at('23:00:00'), every(0))).toBe(false);
    expect(catchUpDue(null, at('10:00:00'), every(60))).toBe(true);
    expect(catchUpDue(null, at('10:00:00'), every(0))).toBe(false);
  });
});

describe("a staged run's projected downtime", () => {
  const GiB = 1024 ** 3;
  /** a run with no window (it cuts over now) whose last catch-up sync took 5 s */
  async function project(
    path: 'staged' | 'classic',
    measured: { fixedMs: number; runs: number } | null,
    projectedBefore: number | null = null,
  ) {
    const lines: string[] = [];
    const ctx = {
      run: {
        runId: 'r1',
        batch: { status: 'running', name: 'b' },
        container: {
          downtimeWindow: null,
          ostemplate: 'debian-12-x86_64',
          diskUsedKb: BigInt(GiB / 1024),
          inodesUsed: 20_000n,
        },
        state: { cutoverPath: path, lastSyncEndedAt: null, projectedDowntimeMs: projectedBefore },
      },
      now: () => at('10:00:00'),
      log: (_level: string, line: string) => lines.push(line),
    } as unknown as StageContext;
    const deps = {
      settings: async () => pipelineSettingsSchema.parse({}),
      catchUpSyncs: {
        last: async () => ({ durationMs: 5_000 }),
        stagedCutoverCost: async () => measured,
      },
    } as unknown as StageDeps;
    const ret = await awaitCutover(ctx, deps);
    return { projected: (ret.patch as { projectedDowntimeMs: number }).projectedDowntimeMs, lines };
  }

  it("counts the changes twice plus the fixed cost measured on this zone's staged cutovers", async () => {
    const { projected, lines } = await project('staged', { fixedMs: 31_000, runs: 4 });
    expect(projected).toBe(2 * 5_000 + 31_000);
    expect(lines).toContain("a staged cutover's fixed cost here: 31.0 s, measured over 4 staged cutover(s)");
  });

  it("uses the model's constant before the zone's first staged cutover, and says so", async () => {
    const { projected, lines } = await project('staged', null);
    expect(projected).toBe(2 * 5_000 + STAGED_FIXED_SECONDS * 1000);
    expect(lines).toContain(
      `a staged cutover's fixed cost: ${STAGED_FIXED_SECONDS} s (the model's; none measured on this zone yet)`,
    );
  });

  it('says where the fixed cost comes from only when the projection changed since the last wake-up', async () => {
    expect((await project('staged', { fixedMs: 31_000, runs: 4 }, 2 * 5_000 + 31_000)).lines).toEqual([]);
    const changed = await project('staged', { fixedMs: 31_000, runs: 4 }, 2 * 4_000 + 31_000);
    expect(changed.lines).toContain("a staged cutover's fixed cost here: 31.0 s, measured over 4 staged cutover(s)");
  });

  it('leaves a classic run to the classic model, whatever staged cutovers measured', async () => {
    const { projected, lines } = await project('classic', { fixedMs: 31_000, runs: 4 });
    expect(projected).toBeGreaterThan(60_000);
    expect(lines.filter((l) => l.includes('fixed cost'))).toEqual([]);
  });
});
