import { describe, expect, it } from 'vitest';
import { STAGED_FIXED_SECONDS, estimateCutoverMs } from './estimate';

const GiB = 1024n ** 3n;

describe('estimateCutoverMs', () => {
  it('grows with the data and the file count and includes the fixed steps', () => {
    const small = estimateCutoverMs({ usedBytes: GiB, files: 20_000n });
    const big = estimateCutoverMs({ usedBytes: 30n * GiB, files: 600_000n });
    expect(small).toBeGreaterThan(420_000);
    expect(small).toBeLessThan(600_000);
    expect(big).toBeGreaterThan(small * 2);
  });

  it('adds the boot ISO', () => {
    const base = estimateCutoverMs({ usedBytes: GiB, files: 1000n });
    expect(estimateCutoverMs({ usedBytes: GiB, files: 1000n, legacyBootIso: true })).toBe(base + 600_000);
  });

  it("takes a catch-up sync's measured time for the final sync, shorter or longer than the guess", () => {
    const guessed = estimateCutoverMs({ usedBytes: 30n * GiB, files: 600_000n });
    const quiet = estimateCutoverMs({ usedBytes: 30n * GiB, files: 600_000n, catchUpSeconds: 2 });
    const busy = estimateCutoverMs({ usedBytes: 30n * GiB, files: 600_000n, catchUpSeconds: 3600 });
    // the guess for 30 GiB: 30 s of scan and 1.5 GiB changed at 50 MiB/s, about 61 s
    expect(guessed - quiet).toBeGreaterThan(55_000);
    expect(busy - quiet).toBe(3_598_000);
  });

  it('does not grow with the disk in a staged run: only the changes move, twice (sync and pull)', () => {
    const small = estimateCutoverMs({ usedBytes: GiB, files: 20_000n, catchUpSeconds: 5, staged: true });
    const big = estimateCutoverMs({ usedBytes: 200n * GiB, files: 20_000n, catchUpSeconds: 5, staged: true });
    expect(big).toBe(small);
    expect(estimateCutoverMs({ usedBytes: GiB, files: 20_000n, catchUpSeconds: 65, staged: true }) - small).toBe(
      120_000,
    );
    expect(small).toBeLessThan(estimateCutoverMs({ usedBytes: GiB, files: 20_000n, catchUpSeconds: 5 }));
  });

  it("takes a staged cutover's fixed cost from this zone's measurement when there is one", () => {
    const inputs = { usedBytes: GiB, files: 20_000n, catchUpSeconds: 5, staged: true };
    expect(estimateCutoverMs({ ...inputs, stagedFixedMs: 41_500 })).toBe(10_000 + 41_500);
    expect(estimateCutoverMs({ ...inputs, stagedFixedMs: null })).toBe(10_000 + STAGED_FIXED_SECONDS * 1000);
  });
});
