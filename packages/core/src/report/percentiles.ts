// Downtime figures for managers: the median, the 95th percentile and the
// worst. Nearest-rank percentiles (the smallest value that at least p % of
// the values do not exceed), so every figure is a downtime that happened and
// can be checked by hand against the list.

/** The p-th percentile (0 < p <= 100) of values sorted ascending; null for none. */
export function nearestRankPercentile(sortedAscending: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`a percentile is over 0 and at most 100, not ${p}`);
  if (sortedAscending.length === 0) return null;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[rank - 1]!;
}

export interface DowntimePercentiles {
  /** how many downtimes the figures are made of */
  count: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
  maxSeconds: number | null;
}

/** p50, p95 and max of downtimes in seconds, in any order. */
export function downtimePercentiles(seconds: readonly number[]): DowntimePercentiles {
  const sorted = [...seconds].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Seconds: nearestRankPercentile(sorted, 50),
    p95Seconds: nearestRankPercentile(sorted, 95),
    maxSeconds: sorted.at(-1) ?? null,
  };
}
