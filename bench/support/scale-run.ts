// The scale scenario: the lab's fleet imported, a batch of running
// containers spread over the hypervisors (a few grown to a real size, the
// rest the lab's tiny ones) started with the limits set, waited for, and
// then measured: wall time, the orchestration gaps between stages, the load
// on PostgreSQL and Redis, and the proof from the timeline that every limit
// held (scale-timeline.ts). The sources' state is read on the lab's
// hypervisors: a migrated container stays there, stopped, not started at boot.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diskNeedBytes, formatBytes, STAGES } from '@vzferry/core';
import { createBatch, savePipelineSettings, startBatch } from '@vzferry/db';
import { parseOsTemplate, usesLegacyGrub } from '@vzferry/guest';
import {
  dbConnections,
  dbCounters,
  diff,
  processCpu,
  redisCounters,
  redisDiff,
  resetStatements,
  topStatements,
} from './scale-load';
import { startBatchChurn } from './scale-churn';
import { startScaleStack, type ScaleStack } from './scale-stack';
import {
  gapStats,
  proveLimits,
  stageDurations,
  stageGaps,
  type Check,
  type GapStats,
  type Limits,
  type RunRow,
  type StageRow,
} from './scale-timeline';

export interface ScaleOptions {
  containers: number;
  hosts: number;
  boxes: number;
  batch: number;
  boxMaxRuns: number;
  boxDiskGiB: number;
  /** each hypervisor's limit of concurrent migrations (Source host settings) */
  hostLimit: number;
  /** the batch's own limits */
  batchConcurrency: number;
  batchPerHost: number | null;
  /** secondary storage downloads at once, over all runs (Settings) */
  downloads: number;
  /** containers of the batch grown to a real size, and that size */
  realSized: number;
  realMiB: number;
  timeoutMinutes: number;
  addressBlock: number;
}

/** The full size (issue 13): 3,000 containers on 10 hypervisors, 3 boxes, a batch of 200. */
export const FULL_SCALE: ScaleOptions = {
  containers: 3000,
  hosts: 10,
  boxes: 3,
  batch: 200,
  boxMaxRuns: 4,
  boxDiskGiB: 100,
  hostLimit: 2,
  batchConcurrency: 10,
  batchPerHost: null,
  downloads: 2,
  realSized: 5,
  realMiB: 512,
  timeoutMinutes: 240,
  addressBlock: 14,
};

const ENV: Record<keyof ScaleOptions, string> = {
  containers: 'BENCH_SCALE_CONTAINERS',
  hosts: 'BENCH_SCALE_HOSTS',
  boxes: 'BENCH_SCALE_BOXES',
  batch: 'BENCH_SCALE_BATCH',
  boxMaxRuns: 'BENCH_SCALE_BOX_MAX_RUNS',
  boxDiskGiB: 'BENCH_SCALE_BOX_DISK_GIB',
  hostLimit: 'BENCH_SCALE_HOST_LIMIT',
  batchConcurrency: 'BENCH_SCALE_BATCH_CONCURRENCY',
  batchPerHost: 'BENCH_SCALE_BATCH_PER_HOST',
  downloads: 'BENCH_SCALE_DOWNLOADS',
  realSized: 'BENCH_SCALE_REAL',
  realMiB: 'BENCH_SCALE_REAL_MIB',
  timeoutMinutes: 'BENCH_SCALE_TIMEOUT_MIN',
  addressBlock: 'BENCH_SCALE_ADDRESS_BLOCK',
};

export function scaleOptionsFromEnv(env: Record<string, string | undefined>): ScaleOptions {
  const opts = { ...FULL_SCALE };
  for (const [key, name] of Object.entries(ENV) as Array<[keyof ScaleOptions, string]>) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, not ${JSON.stringify(raw)}`);
    (opts as Record<string, number | null>)[key] = key === 'batchPerHost' && n === 0 ? null : n;
  }
  return opts;
}

export function describeOptions(o: ScaleOptions): string {
  return Object.entries(ENV)
    .map(([k, name]) => `${name}=${(o as unknown as Record<string, number | null>)[k] ?? 0}`)
    .join(' ');
}

export interface ScaleResult {
  options: ScaleOptions;
  setup: Record<string, number>;
  complete: boolean;
  wallSeconds: number;
  runs: number;
  byStatus: Record<string, number>;
  failures: string[];
  realSized: string[];
  checks: Check[];
  gaps: GapStats[];
  durations: GapStats[];
  stageAttempts: number;
  db: Record<string, number>;
  dbMaxConnections: number;
  statements: { unavailable: string | null; top: Awaited<ReturnType<typeof topStatements>> };
  redis: ReturnType<typeof redisDiff>;
  cpu: Array<{ box: string; own: number; children: number }>;
  sources: { total: number; stopped: number; onbootNo: number };
}

export async function runScale(
  o: ScaleOptions,
  log: (l: string) => void,
  signal: AbortSignal = new AbortController().signal,
): Promise<ScaleResult> {
  const stack = await startScaleStack({
    hosts: o.hosts,
    containers: o.containers,
    boxes: o.boxes,
    boxMaxRuns: o.boxMaxRuns,
    boxDiskGiB: o.boxDiskGiB,
    addressBlock: o.addressBlock,
    log,
  });
  try {
    return await scenario(stack, o, log, signal);
  } catch (err) {
    for (const b of stack.boxes) log(`--- ${b.name} log (last lines)\n${b.log.slice(-30).join('\n')}`);
    throw err;
  } finally {
    await stack.stop();
  }
}

async function scenario(
  stack: ScaleStack,
  o: ScaleOptions,
  log: (l: string) => void,
  signal: AbortSignal,
): Promise<ScaleResult> {
  const { t } = stack;
  const boxDisk = stack.boxes.reduce((m, b) => (b.diskBytes < m ? b.diskBytes : m), stack.boxes[0]!.diskBytes);
  const chosen = await chooseContainers(stack, o.batch, boxDisk);
  const real = await growContainers(stack, chosen, o.realSized, o.realMiB);
  if (real.length) log(`grown to a real size: ${real.join(', ')}`);
  await t.prisma.container.updateMany({
    where: { id: { in: chosen.map((c) => c.id) } },
    data: { downtimeWindow: null },
  });
  await t.prisma.sourceHost.updateMany({ data: { maxConcurrentMigrations: o.hostLimit } });
  await savePipelineSettings(t.db, { maxConcurrentTemplateDownloads: o.downloads });
  const batch = await createBatch(
    t.db,
    {
      name: 'scale',
      containerIds: chosen.map((c) => c.id),
      concurrency: o.batchConcurrency,
      ...(o.batchPerHost === null ? {} : { perHostConcurrency: o.batchPerHost }),
    },
    { name: 'bench' },
  );

  const unavailable = await resetStatements(t);
  const db0 = await dbCounters(t);
  const redis0 = redisCounters(stack.redisUrl);
  const cpu0 = stack.boxes.map((b) => processCpu(b.pid));
  const churn = startBatchChurn(stack.labDir, chosen);
  const started = performance.now();
  await startBatch(t.db, batch.id, {});
  const { complete, maxConnections } = await waitForRuns(
    stack,
    batch.id,
    o.timeoutMinutes * 60_000,
    started,
    log,
    signal,
  ).finally(() => churn.stop());
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = stack.boxes.map((b, i) => {
    const c = processCpu(b.pid);
    return { box: b.name, own: c.own - cpu0[i]!.own, children: c.children - cpu0[i]!.children };
  });
  const redis = redisDiff(redisCounters(stack.redisUrl), redis0);
  const db = diff(await dbCounters(t), db0);
  const top = unavailable ? [] : await topStatements(t, 8);

  const runs = await t.prisma.migrationRun.findMany({
    where: { batchId: batch.id },
    include: { container: { include: { sourceHost: true } } },
  });
  const stages: StageRow[] = await t.prisma.stageRun.findMany({
    where: { run: { batchId: batch.id } },
    select: {
      runId: true,
      stage: true,
      attempt: true,
      status: true,
      queuedAt: true,
      notBefore: true,
      startedAt: true,
      finishedAt: true,
      converterBoxId: true,
    },
  });
  const runRows: RunRow[] = runs.map((r) => ({
    id: r.id,
    status: r.status,
    sourceHostId: r.container.sourceHostId,
    converterBoxId: r.converterBoxId,
    reservedDiskBytes: r.reservedDiskBytes ?? 0n,
  }));
  const checks = proveLimits(runRows, stages, await loadLimits(stack, batch.id, o));
  const byStatus: Record<string, number> = {};
  for (const r of runs) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const failures = runs
    .filter((r) => r.status !== 'succeeded')
    .map(
      (r) =>
        `${r.container.sourceHost.name}/${r.container.sourceCtid} ${r.status} at ${r.currentStage ?? '-'}: ${r.error ?? ''}`,
    );
  return {
    options: o,
    setup: stack.setup,
    complete,
    wallSeconds,
    runs: runs.length,
    byStatus,
    failures,
    realSized: real,
    checks,
    gaps: gapStats(stageGaps(stages), STAGES),
    durations: stageDurations(stages, STAGES),
    stageAttempts: stages.length,
    db,
    dbMaxConnections: maxConnections,
    statements: { unavailable, top },
    redis,
    cpu,
    sources: sourceStates(
      stack,
      runs.map((r) => ({ host: r.container.sourceHost.name, ctid: r.container.sourceCtid })),
    ),
  };
}

interface Chosen {
  id: string;
  ctid: number;
  host: string;
  hostId: string;
  quotaKb: bigint;
}

/**
 * Running containers the pipeline takes in the lab without a boot ISO or IPv6
 * route (as apps/worker/test/pipeline-faults.test.ts picks them) and that fit
 * on a box's disk (a larger one would wait for ever), one hypervisor after
 * the other, so the batch spreads over all of them.
 */
async function chooseContainers(stack: ScaleStack, n: number, boxDisk: bigint): Promise<Chosen[]> {
  const all = await stack.t.prisma.container.findMany({
    include: { ips: true, sourceHost: true },
    orderBy: { sourceCtid: 'asc' },
  });
  const byHost = new Map<string, Chosen[]>();
  for (const c of all) {
    const os = parseOsTemplate(c.ostemplate ?? '');
    const fits =
      c.status === 'running' &&
      os &&
      !usesLegacyGrub(os) &&
      (c.diskQuotaKb ?? 0n) <= 50n * 1024n * 1024n &&
      diskNeedBytes((c.diskQuotaKb ?? 0n) * 1024n, (c.diskUsedKb ?? 0n) * 1024n) <= boxDisk &&
      c.ips.length > 0 &&
      c.ips.every((ip) => ip.family === 4);
    if (!fits) continue;
    const list = byHost.get(c.sourceHost.name) ?? [];
    list.push({
      id: c.id,
      ctid: c.sourceCtid,
      host: c.sourceHost.name,
      hostId: c.sourceHostId,
      quotaKb: c.diskQuotaKb ?? 0n,
    });
    byHost.set(c.sourceHost.name, list);
  }
  const chosen: Chosen[] = [];
  for (let i = 0; chosen.length < n; i++) {
    const round = [...byHost.values()].flatMap((l) => l.slice(i, i + 1));
    if (round.length === 0)
      throw new Error(`the lab has only ${chosen.length} containers the batch can take, not ${n}`);
    chosen.push(...round.slice(0, n - chosen.length));
  }
  return chosen;
}

/**
 * Writes `mib` MiB of incompressible files (128 KiB each) into the first
 * `count` chosen containers with a quota of at least 10 GiB, updates the
 * lab's usage record and imports their hosts again, so the inventory (and
 * the disk the scheduler reserves) knows their size.
 */
async function growContainers(stack: ScaleStack, chosen: Chosen[], count: number, mib: number): Promise<string[]> {
  const grown = chosen.filter((c) => c.quotaKb >= 10n * 1024n * 1024n).slice(0, count);
  const fileBytes = 128 * 1024;
  for (const c of grown) {
    const hostDir = path.join(stack.labDir, 'hosts', c.host);
    const root = path.join(hostDir, 'vz/private', String(c.ctid), 'srv/data');
    for (let i = 0; i < (mib * 1024 * 1024) / fileBytes; i++) {
      const dir = path.join(root, String(Math.floor(i / 256)));
      if (i % 256 === 0) mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `f${i}.bin`), randomBytes(fileBytes));
    }
    const priv = path.join(hostDir, 'vz/private', String(c.ctid));
    const kb = Number(execFileSync('du', ['-sk', priv], { encoding: 'utf8' }).split('\t')[0]);
    const inodes = Number(execFileSync('du', ['-s', '--inodes', priv], { encoding: 'utf8' }).split('\t')[0]);
    const usageFile = path.join(hostDir, 'vz/lab/usage.json');
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as Record<string, { kb: number; inodes: number }>;
    usage[c.ctid] = { kb, inodes };
    writeFileSync(usageFile, JSON.stringify(usage));
  }
  if (grown.length) await stack.reimport([...new Set(grown.map((c) => c.hostId))]);
  return grown.map((c) => `${c.host}/${c.ctid} (${mib} MiB)`);
}

async function loadLimits(stack: ScaleStack, batchId: string, o: ScaleOptions): Promise<Limits> {
  const { prisma } = stack.t;
  const [hosts, boxes, batch] = await Promise.all([
    prisma.sourceHost.findMany({ select: { id: true, name: true, maxConcurrentMigrations: true } }),
    prisma.converterBox.findMany({ select: { id: true, name: true, maxConcurrentRuns: true } }),
    prisma.batch.findUniqueOrThrow({ where: { id: batchId } }),
  ]);
  const diskOf = new Map(stack.boxes.map((b) => [b.name, b.diskBytes]));
  return {
    hosts: new Map(hosts.map((h) => [h.id, { name: h.name, limit: h.maxConcurrentMigrations }])),
    batchPerHost: batch.perHostConcurrency,
    batchConcurrency: batch.concurrency,
    boxes: new Map(
      boxes.map((b) => [b.id, { name: b.name, maxRuns: b.maxConcurrentRuns, diskBytes: diskOf.get(b.name) ?? 0n }]),
    ),
    downloads: o.downloads,
  };
}

const ENDED = ['succeeded', 'failed', 'cancelled'];

/** Polls every 2 s until every run ended; logs the counts when they change; samples the database connections. */
async function waitForRuns(
  stack: ScaleStack,
  batchId: string,
  timeoutMs: number,
  started: number,
  log: (l: string) => void,
  signal: AbortSignal,
): Promise<{ complete: boolean; maxConnections: number }> {
  let last = '';
  let maxConnections = 0;
  for (;;) {
    const groups = await stack.t.prisma.migrationRun.groupBy({
      by: ['status'],
      where: { batchId },
      _count: { _all: true },
    });
    maxConnections = Math.max(maxConnections, await dbConnections(stack.t));
    const line = groups
      .map((g) => `${g.status} ${g._count._all}`)
      .sort()
      .join(', ');
    const elapsed = (performance.now() - started) / 1000;
    if (line !== last) log(`${elapsed.toFixed(0).padStart(5)} s  ${line}`);
    last = line;
    if (groups.every((g) => ENDED.includes(g.status))) return { complete: true, maxConnections };
    if (elapsed * 1000 > timeoutMs || signal.aborted) {
      log(`${signal.aborted ? 'interrupted' : 'timed out'} after ${elapsed.toFixed(0)} s: ${line}`);
      return { complete: false, maxConnections };
    }
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

/** The migrated containers on their hypervisors: stopped (no running marker) and ONBOOT="no". */
function sourceStates(stack: ScaleStack, cts: Array<{ host: string; ctid: number }>) {
  let stopped = 0;
  let onbootNo = 0;
  for (const c of cts) {
    const hostDir = path.join(stack.labDir, 'hosts', c.host);
    if (!existsSync(path.join(hostDir, 'vz/lab/running', String(c.ctid)))) stopped++;
    const conf = readFileSync(path.join(hostDir, 'etc-vz/conf', `${c.ctid}.conf`), 'utf8');
    if (/^ONBOOT="?no"?\s*$/m.test(conf)) onbootNo++;
  }
  return { total: cts.length, stopped, onbootNo };
}

const s = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);

/** The figures, as the bench prints them. */
export function formatScale(r: ScaleResult): string {
  const o = r.options;
  const out: string[] = [];
  out.push(
    `${o.containers} containers on ${o.hosts} hypervisors, ${o.boxes} converter boxes (max ${o.boxMaxRuns} runs, ${o.boxDiskGiB} GiB disk each), batch of ${o.batch}` +
      ` (concurrency ${o.batchConcurrency}, per hypervisor ${o.batchPerHost ?? 'host limit'}); hypervisor limit ${o.hostLimit}, template downloads ${o.downloads}`,
  );
  out.push(`real-sized: ${r.realSized.join(', ') || 'none'}`);
  out.push(
    `setup: ${Object.entries(r.setup)
      .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
      .join(', ')}`,
  );
  out.push(
    `wall time ${r.wallSeconds.toFixed(1)} s (${(r.wallSeconds / 60).toFixed(1)} min) for ${r.runs} runs${r.complete ? '' : ' (TIMED OUT)'}: ` +
      `${Object.entries(r.byStatus)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; ${(r.runs / (r.wallSeconds / 3600)).toFixed(0)} runs/h; ${r.stageAttempts} stage attempts`,
  );
  for (const f of r.failures.slice(0, 10)) out.push(`  not succeeded: ${f}`);
  out.push(
    `sources on the hypervisors: ${r.sources.stopped}/${r.sources.total} stopped, ${r.sources.onbootNo}/${r.sources.total} ONBOOT=no`,
  );

  out.push(
    "\norchestration overhead (a stage attempt's end to the next one's start, less a wait it was told to keep), ms:",
  );
  out.push(
    table(
      ['to stage', 'n', 'p50', 'p95', 'max'],
      r.gaps.map((g) => [g.to, String(g.n), ms(g.p50), ms(g.p95), ms(g.max)]),
    ),
  );
  out.push('\nstage durations (start to end, waits included), s:');
  out.push(
    table(
      ['stage', 'n', 'p50', 'p95', 'max'],
      r.durations.map((g) => [g.to, String(g.n), s(g.p50), s(g.p95), s(g.max)]),
    ),
  );

  const per = (n: number) => (n / r.wallSeconds).toFixed(1);
  out.push(`\nPostgreSQL (the bench database, over the batch; per second):`);
  out.push(
    `  ${[
      'xact_commit',
      'xact_rollback',
      'tup_returned',
      'tup_fetched',
      'tup_inserted',
      'tup_updated',
      'tup_deleted',
      'blks_read',
      'blks_hit',
      'deadlocks',
    ]
      .map((k) => `${k} ${r.db[k]} (${per(r.db[k] ?? 0)}/s)`)
      .join(', ')}`,
  );
  out.push(
    `  per run: ${(r.db.xact_commit! / r.runs).toFixed(0)} commits, ${(r.db.tup_returned! / r.runs).toFixed(0)} tuples returned; connections at most ${r.dbMaxConnections}`,
  );
  if (r.statements.unavailable) out.push(`  pg_stat_statements: not measured: ${r.statements.unavailable}`);
  else
    out.push(
      table(
        ['calls', 'total ms', 'mean ms', 'query'],
        r.statements.top.map((q) => [String(q.calls), q.totalMs.toFixed(0), q.meanMs.toFixed(2), q.query]),
      ),
    );
  out.push(
    `Redis (its own server, over the batch): ${r.redis.totalCommands} commands (${per(r.redis.totalCommands)}/s, ${(r.redis.totalCommands / r.runs).toFixed(0)} per run), peak memory ${formatBytes(BigInt(r.redis.peakMemoryBytes))}`,
  );
  out.push(
    `  top: ${r.redis.commands
      .slice(0, 10)
      .map((c) => `${c.name} ${c.calls}`)
      .join(', ')}`,
  );
  out.push(
    `worker CPU over the batch: ${r.cpu.map((c) => `${c.box} ${c.own.toFixed(0)} s own + ${c.children.toFixed(0)} s children`).join(', ')}`,
  );

  out.push('\nlimits, from the timeline (largest at once vs limit):');
  for (const c of r.checks) {
    const v = (n: number) => (c.unit === 'bytes' ? formatBytes(BigInt(Math.round(n))) : String(n));
    out.push(
      `  ${c.held ? 'held    ' : 'EXCEEDED'} ${c.what}: ${v(c.max)} of ${v(c.limit)} (${c.where}${c.at ? ` at ${c.at.toISOString()}` : ''})`,
    );
  }
  out.push(r.checks.every((c) => c.held) ? 'every limit held at every moment' : 'A LIMIT WAS EXCEEDED');
  return out.join('\n');
}

function ms(n: number): string {
  return Number.isNaN(n) ? '-' : n.toFixed(0);
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    `  ${r.map((c, i) => (i === r.length - 1 && i > 0 && isNaN(Number(c)) ? c : c.padStart(widths[i]!))).join('  ')}`;
  return [line(head), ...rows.map(line)].join('\n');
}
