// What the scale bench proves and measures from the recorded timeline: the
// StageRun rows of the batch (when each attempt was queued, started and
// finished) and its runs. Pure: the rows in, the proof and the overheads out.
//
// The proof sweeps over every start and end, in time order (an end before a
// start at the same instant: the scheduler only hands out what a committed
// end freed), and keeps the largest number at once of:
//   - runs on each hypervisor (the scheduler's per-host limit, and the
//     batch's per-hypervisor limit), and the stages that work on the source
//     (SSH, rsync, vzctl) on it;
//   - runs on each converter box (its max runs), stages running on it, and
//     the disk reserved for its runs (its file system's free bytes before the
//     batch);
//   - runs of the batch (its concurrency);
//   - template downloads: register_template attempts running, over all boxes
//     (the global download limit). A run takes its download slot in
//     stop_source and gives it back in register_template, so the slot is
//     held through every register_template.
// A run is active from its assignment (the first StageRun's queuedAt,
// written after the scheduler read the free capacity) to its last stage's
// end (written before that stage's commit frees the capacity).
import type { Stage } from '@vzferry/core';

export interface StageRow {
  runId: string;
  stage: Stage;
  attempt: number;
  status: string;
  queuedAt: Date;
  notBefore: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  converterBoxId: string | null;
}

export interface RunRow {
  id: string;
  status: string;
  sourceHostId: string;
  converterBoxId: string | null;
  reservedDiskBytes: bigint;
}

export interface Limits {
  hosts: Map<string, { name: string; limit: number }>;
  batchPerHost: number | null;
  batchConcurrency: number;
  boxes: Map<string, { name: string; maxRuns: number; diskBytes: bigint }>;
  downloads: number;
}

/** Stages that work on the source hypervisor (SSH, rsync, vzctl). */
export const SOURCE_STAGES: readonly Stage[] = [
  'preflight',
  'prepare_source',
  'initial_sync',
  'stop_source',
  'final_sync',
  'cleanup',
];

export interface Check {
  what: string;
  /** the largest number at once, and where and when */
  max: number;
  where: string;
  at: Date | null;
  limit: number;
  /** formats max and limit (bytes as GiB) */
  unit: 'count' | 'bytes';
  held: boolean;
}

interface Interval {
  key: string;
  start: number;
  end: number;
  weight: number;
}

/** The largest sum of weights at once per key, by a sweep over starts and ends. */
export function sweep(intervals: readonly Interval[]): Map<string, { max: number; at: number }> {
  const events = intervals.flatMap((i) => [
    { t: i.start, key: i.key, d: i.weight, end: false },
    { t: i.end, key: i.key, d: -i.weight, end: true },
  ]);
  events.sort((a, b) => a.t - b.t || Number(b.end) - Number(a.end));
  const now = new Map<string, number>();
  const best = new Map<string, { max: number; at: number }>();
  for (const e of events) {
    const v = (now.get(e.key) ?? 0) + e.d;
    now.set(e.key, v);
    if (v > (best.get(e.key)?.max ?? 0)) best.set(e.key, { max: v, at: e.t });
  }
  return best;
}

export function runIntervals(runs: readonly RunRow[], stages: readonly StageRow[], endOfTime: number) {
  const byRun = groupBy(stages, (s) => s.runId);
  return runs.map((r) => {
    const own = byRun.get(r.id) ?? [];
    const start = Math.min(...own.map((s) => s.queuedAt.getTime()));
    const open = own.some((s) => !s.finishedAt);
    const end = open ? endOfTime : Math.max(...own.map((s) => s.finishedAt!.getTime()));
    return { run: r, start, end };
  });
}

export function proveLimits(runs: readonly RunRow[], stages: readonly StageRow[], limits: Limits): Check[] {
  const endOfTime = Date.now();
  const runSpans = runIntervals(runs, stages, endOfTime).filter((s) => Number.isFinite(s.start));
  const hostOf = new Map(runs.map((r) => [r.id, r.sourceHostId]));
  const ran = stages.filter((s) => s.startedAt);
  const span = (s: StageRow) => ({ start: s.startedAt!.getTime(), end: s.finishedAt?.getTime() ?? endOfTime });
  const checks: Check[] = [];

  const hostLimit = (id: string) => Math.min(limits.hosts.get(id)?.limit ?? Infinity, limits.batchPerHost ?? Infinity);
  const perHost = sweep(runSpans.map((s) => ({ key: s.run.sourceHostId, ...s, weight: 1 })));
  checks.push(worst('runs on a hypervisor', perHost, hostLimit, (k) => limits.hosts.get(k)?.name ?? k));
  const sourceWork = sweep(
    ran
      .filter((s) => SOURCE_STAGES.includes(s.stage))
      .map((s) => ({ key: hostOf.get(s.runId) ?? '?', ...span(s), weight: 1 })),
  );
  checks.push(
    worst('source stages running on a hypervisor', sourceWork, hostLimit, (k) => limits.hosts.get(k)?.name ?? k),
  );

  const boxName = (k: string) => limits.boxes.get(k)?.name ?? k;
  const boxRuns = (k: string) => limits.boxes.get(k)?.maxRuns ?? 0;
  // a run that changed box would make its span count on the wrong one: the bench has no box lost
  const perBox = sweep(runSpans.map((s) => ({ key: s.run.converterBoxId ?? '?', ...s, weight: 1 })));
  checks.push(worst('runs on a converter box', perBox, boxRuns, boxName));
  const stagesPerBox = sweep(ran.map((s) => ({ key: s.converterBoxId ?? '?', ...span(s), weight: 1 })));
  checks.push(worst('stages running on a converter box', stagesPerBox, boxRuns, boxName));
  const diskPerBox = sweep(
    runSpans.map((s) => ({ key: s.run.converterBoxId ?? '?', ...s, weight: Number(s.run.reservedDiskBytes) })),
  );
  checks.push({
    ...worst(
      'disk reserved on a converter box',
      diskPerBox,
      (k) => Number(limits.boxes.get(k)?.diskBytes ?? 0n),
      boxName,
    ),
    unit: 'bytes',
  });

  const batch = sweep(runSpans.map((s) => ({ key: 'batch', ...s, weight: 1 })));
  checks.push(
    worst(
      'runs of the batch',
      batch,
      () => limits.batchConcurrency,
      () => 'batch',
    ),
  );

  const downloads = sweep(
    ran.filter((s) => s.stage === 'register_template').map((s) => ({ key: 'all', ...span(s), weight: 1 })),
  );
  checks.push(
    worst(
      'template downloads (register_template running)',
      downloads,
      () => limits.downloads,
      () => 'all boxes',
    ),
  );
  return checks;
}

/** The key with the largest use relative to its limit (one over its limit, if any is). */
function worst(
  what: string,
  found: Map<string, { max: number; at: number }>,
  limitOf: (key: string) => number,
  nameOf: (key: string) => string,
): Check {
  const entries = [...found].map(([key, f]) => ({ key, ...f, limit: limitOf(key) }));
  entries.sort((a, b) => b.max / b.limit - a.max / a.limit);
  const e = entries[0];
  if (!e) return { what, max: 0, where: '-', at: null, limit: NaN, unit: 'count', held: true };
  return {
    what,
    max: e.max,
    where: nameOf(e.key),
    at: new Date(e.at),
    limit: e.limit,
    unit: 'count',
    held: e.max <= e.limit,
  };
}

export interface Gap {
  /** the stage that started after the gap ("assigned→preflight": from the scheduler's assignment) */
  to: string;
  ms: number;
}

/**
 * Orchestration overhead: from a stage attempt's end to the run's next
 * attempt's start, less any wait the next one was told to keep (notBefore:
 * a retry's back-off, a downtime window).
 */
export function stageGaps(stages: readonly StageRow[]): Gap[] {
  const gaps: Gap[] = [];
  for (const own of groupBy(stages, (s) => s.runId).values()) {
    const ran = own.filter((s) => s.startedAt).sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime());
    const first = ran[0];
    if (first) gaps.push({ to: `assigned→${first.stage}`, ms: first.startedAt!.getTime() - first.queuedAt.getTime() });
    for (let i = 1; i < ran.length; i++) {
      const prev = ran[i - 1]!;
      const next = ran[i]!;
      if (!prev.finishedAt) continue;
      const from = Math.max(prev.finishedAt.getTime(), next.notBefore?.getTime() ?? 0);
      gaps.push({ to: next.stage, ms: Math.max(0, next.startedAt!.getTime() - from) });
    }
  }
  return gaps;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface GapStats {
  to: string;
  n: number;
  p50: number;
  p95: number;
  max: number;
}

export function gapStats(gaps: readonly Gap[], order: readonly string[]): GapStats[] {
  const groups = groupBy(gaps, (g) => g.to);
  const stat = (to: string, list: readonly Gap[]): GapStats => {
    const ms = list.map((g) => g.ms).sort((a, b) => a - b);
    return { to, n: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms.at(-1) ?? NaN };
  };
  const rank = (k: string) => {
    const i = order.indexOf(k.replace(/^assigned→/, ''));
    return k.startsWith('assigned→') ? -1 : i;
  };
  return [
    ...[...groups.entries()].sort(([a], [b]) => rank(a) - rank(b)).map(([to, list]) => stat(to, list)),
    stat(
      'all stage→stage',
      gaps.filter((g) => !g.to.startsWith('assigned→')),
    ),
  ];
}

/** Stage attempts' own durations (start to end, waits included) per stage: p50/p95. */
export function stageDurations(stages: readonly StageRow[], order: readonly string[]): GapStats[] {
  const done = stages.filter((s) => s.startedAt && s.finishedAt);
  const groups = groupBy(done, (s) => s.stage);
  return order.flatMap((stage) => {
    const ms = (groups.get(stage as Stage) ?? [])
      .map((s) => s.finishedAt!.getTime() - s.startedAt!.getTime())
      .sort((a, b) => a - b);
    return ms.length
      ? [{ to: stage, n: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms.at(-1)! }]
      : [];
  });
}

function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const i of items) {
    const k = key(i);
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  }
  return m;
}
