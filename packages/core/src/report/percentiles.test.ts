import { describe, expect, it } from 'vitest';
import { downtimePercentiles, nearestRankPercentile } from './percentiles';

describe('nearest-rank percentiles', () => {
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it('picks the smallest value that at least p % of the values do not exceed', () => {
    expect(nearestRankPercentile(ten, 50)).toBe(5);
    expect(nearestRankPercentile(ten, 95)).toBe(10);
    expect(nearestRankPercentile(ten, 90)).toBe(9);
    expect(nearestRankPercentile(ten, 10)).toBe(1);
    expect(nearestRankPercentile(ten, 100)).toBe(10);
  });

  it('gives a value that happened, never one between two', () => {
    expect(nearestRankPercentile([10, 20], 50)).toBe(10);
    expect(nearestRankPercentile([10, 20, 30], 50)).toBe(20);
  });

  it('has no percentile of nothing, and refuses a p outside (0, 100]', () => {
    expect(nearestRankPercentile([], 50)).toBeNull();
    expect(() => nearestRankPercentile(ten, 0)).toThrow(RangeError);
    expect(() => nearestRankPercentile(ten, 101)).toThrow(RangeError);
    expect(() => nearestRankPercentile(ten, Number.NaN)).toThrow(RangeError);
  });

  it('at p95 of 100 values is the 95th, of 20 the 19th', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(nearestRankPercentile(hundred, 95)).toBe(95);
    expect(nearestRankPercentile(hundred.slice(0, 20), 95)).toBe(19);
  });
});

describe('downtime percentiles', () => {
  it('sorts the downtimes itself and reports p50, p95 and max', () => {
    // 20 downtimes: 60 s .. 1200 s, shuffled
    const seconds = Array.from({ length: 20 }, (_, i) => (((i * 7) % 20) + 1) * 60);
    expect(downtimePercentiles(seconds)).toEqual({ count: 20, p50Seconds: 600, p95Seconds: 1140, maxSeconds: 1200 });
  });

  it("does not reorder the caller's list", () => {
    const seconds = [30, 10, 20];
    downtimePercentiles(seconds);
    expect(seconds).toEqual([30, 10, 20]);
  });

  it('has nulls and a count of 0 when nothing was down', () => {
    expect(downtimePercentiles([])).toEqual({ count: 0, p50Seconds: null, p95Seconds: null, maxSeconds: null });
  });

  it('with one downtime, it is every figure', () => {
    expect(downtimePercentiles([42])).toEqual({ count: 1, p50Seconds: 42, p95Seconds: 42, maxSeconds: 42 });
  });
});
