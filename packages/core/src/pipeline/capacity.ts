// Which waiting runs may start now, and on which converter box. Pure: the
// worker's scheduler feeds it rows from PostgreSQL and acts on the answer.
// Limits that hold at all times (docs/architecture.md, "Batches and capacity"): per
// batch, per source hypervisor, per batch on each source hypervisor, per
// converter box (runs and disk space).

export interface CandidateRun {
  runId: string;
  batchId: string;
  sourceHostId: string;
  /** bytes the run will need on a converter box (see diskNeedBytes) */
  diskBytes: bigint;
}

export interface ActiveRun {
  runId: string;
  batchId: string;
  sourceHostId: string;
  converterBoxId: string;
  /** what was reserved when it started */
  reservedDiskBytes: bigint;
  /** what its work files take on disk now (already counted in the box's free disk) */
  usedDiskBytes: bigint;
}

export interface BoxCapacity {
  id: string;
  name: string;
  freeDiskBytes: bigint;
  maxConcurrentRuns: number;
  online: boolean;
}

export interface CapacityLimits {
  batchConcurrency: ReadonlyMap<string, number>;
  hostConcurrency: ReadonlyMap<string, number>;
  /** a batch's own limit on each source host (its per-hypervisor limit), on top of the host's */
  batchHostConcurrency?: ReadonlyMap<string, number>;
  batchNames?: ReadonlyMap<string, string>;
  hostNames?: ReadonlyMap<string, string>;
}

export interface CapacityPlan {
  starts: Array<{ runId: string; converterBoxId: string }>;
  waiting: Array<{ runId: string; reason: string }>;
}

const GiB = 1024n ** 3n;

/**
 * Space a container needs on a converter box: the raw disk can fill up to the
 * quota while syncing, the qcow2 copy needs about the used bytes again, plus a
 * margin so a box is never filled to the last byte (docs/architecture.md, "Field lessons": "check free
 * disk where the image is written before you start, not after it fills").
 */
export function diskNeedBytes(quotaBytes: bigint, usedBytes: bigint): bigint {
  return quotaBytes + usedBytes + quotaBytes / 20n + GiB;
}

export function formatBytes(bytes: bigint): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = value >= 100 || unit === 0 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, '');
  return `${text} ${units[unit]}`;
}

export function planStarts(
  candidates: readonly CandidateRun[],
  active: readonly ActiveRun[],
  boxes: readonly BoxCapacity[],
  limits: CapacityLimits,
): CapacityPlan {
  const perBatch = countBy(active, (r) => r.batchId);
  const perHost = countBy(active, (r) => r.sourceHostId);
  const perBatchHost = countBy(active, batchHostKey);
  const perBox = countBy(active, (r) => r.converterBoxId);
  const available = new Map(boxes.map((b) => [b.id, b.freeDiskBytes - pendingReservation(active, b.id)]));
  const plan: CapacityPlan = { starts: [], waiting: [] };

  for (const run of candidates) {
    const blocked = limitReached(run, { perBatch, perHost, perBatchHost }, limits);
    if (blocked) {
      plan.waiting.push({ runId: run.runId, reason: blocked });
      continue;
    }
    const box = pickBox(run, boxes, perBox, available);
    if (typeof box === 'string') {
      plan.waiting.push({ runId: run.runId, reason: box });
      continue;
    }
    plan.starts.push({ runId: run.runId, converterBoxId: box.id });
    increment(perBatch, run.batchId);
    increment(perHost, run.sourceHostId);
    increment(perBatchHost, batchHostKey(run));
    increment(perBox, box.id);
    available.set(box.id, available.get(box.id)! - run.diskBytes);
  }
  return plan;
}

function batchHostKey(run: { batchId: string; sourceHostId: string }): string {
  return `${run.batchId} ${run.sourceHostId}`;
}

interface ActiveCounts {
  perBatch: Map<string, number>;
  perHost: Map<string, number>;
  perBatchHost: Map<string, number>;
}

function limitReached(run: CandidateRun, counts: ActiveCounts, limits: CapacityLimits): string | null {
  const batch = limits.batchNames?.get(run.batchId) ?? run.batchId;
  const host = limits.hostNames?.get(run.sourceHostId) ?? run.sourceHostId;
  const batchLimit = limits.batchConcurrency.get(run.batchId) ?? Infinity;
  if ((counts.perBatch.get(run.batchId) ?? 0) >= batchLimit) {
    return `batch ${batch} is at its limit of ${batchLimit} concurrent runs`;
  }
  const hostLimit = limits.hostConcurrency.get(run.sourceHostId) ?? Infinity;
  if ((counts.perHost.get(run.sourceHostId) ?? 0) >= hostLimit) {
    return `source host ${host} is at its limit of ${hostLimit} concurrent migrations`;
  }
  const batchHostLimit = limits.batchHostConcurrency?.get(run.batchId) ?? Infinity;
  if ((counts.perBatchHost.get(batchHostKey(run)) ?? 0) >= batchHostLimit) {
    return `batch ${batch} is at its limit of ${batchHostLimit} concurrent runs on source host ${host}`;
  }
  return null;
}

/** The online box with room for one more run and the most disk left, or why there is none. */
function pickBox(
  run: CandidateRun,
  boxes: readonly BoxCapacity[],
  perBox: Map<string, number>,
  available: Map<string, bigint>,
): BoxCapacity | string {
  const online = boxes.filter((b) => b.online);
  if (online.length === 0) return 'no converter box is online';
  const withSlot = online.filter((b) => (perBox.get(b.id) ?? 0) < b.maxConcurrentRuns);
  if (withSlot.length === 0) return 'every converter box is running its maximum number of migrations';
  const sorted = [...withSlot].sort((a, b) => (available.get(b.id)! > available.get(a.id)! ? 1 : -1));
  const best = sorted[0]!;
  if (available.get(best.id)! >= run.diskBytes) return best;
  return (
    `no converter box has ${formatBytes(run.diskBytes)} free for this container ` +
    `(most free: ${best.name} with ${formatBytes(maxZero(available.get(best.id)!))})`
  );
}

function pendingReservation(active: readonly ActiveRun[], boxId: string): bigint {
  let sum = 0n;
  for (const r of active) {
    if (r.converterBoxId === boxId && r.reservedDiskBytes > r.usedDiskBytes)
      sum += r.reservedDiskBytes - r.usedDiskBytes;
  }
  return sum;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const item of items) increment(m, key(item));
  return m;
}

function increment(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

function maxZero(n: bigint): bigint {
  return n < 0n ? 0n : n;
}
