// A migration at the scale of the real one, for bench/api: 3,000 containers
// on 6 source hosts, 1,000 customers, 24 batches of 100 (completed, running,
// paused, draft; 600 containers in none), runs in every status with their
// stage attempts, and 100,000 log lines, one run holding 5,000 of them.
// Times are spread over the 24 days before `now`. The containers come in through applyInventory
// and the customers through the CSV import, as in production; the runs,
// stage attempts and events are written in bulk (the pipeline would take
// days to make them).
import { randomUUID } from 'node:crypto';
import { CONTAINER_STATE_OF_RUN, parseCustomerCsv, STAGES, stageInfo, type RunStatus, type Stage } from '@vzferry/core';
import { applyCustomerRows, applyInventory, createInventoryImport } from '@vzferry/db';
import { sampleInventoryContainer, type TestDatabase } from '@vzferry/db/testing';

const HOSTS = 6;
const CONTAINERS = 3000;
const BATCH_SIZE = 100;
const BATCHES = 24;
const EVENTS = 100_000;
const NOISY_RUN_EVENTS = 5_000;
const OS = ['centos-6-x86_64', 'centos-7-x86_64', 'ubuntu-16.04-x86_64', 'ubuntu-18.04-x86_64', 'debian-9.0-x86_64'];
const FAILURES: [Stage, string][] = [
  ['preflight', 'preflight_failed'],
  ['initial_sync', 'rsync_failed'],
  ['initial_sync', 'source_unreachable'],
  ['register_template', 'template_download_failed'],
  ['verify', 'verify_timeout'],
  ['make_bootable', 'command_failed'],
];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface MigrationFixture {
  /** a container with a run, for the container page */
  containerId: string;
  /** a running batch of 100 runs */
  batchId: string;
  /** a run with an ordinary log, and the run with 5,000 log lines */
  runId: string;
  noisyRunId: string;
  counts: { containers: number; runs: number; stageRuns: number; events: number };
}

/** Deterministic pseudo-random numbers: the same fixture on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type RunRow = {
  id: string;
  batchId: string;
  containerId: string;
  status: RunStatus;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  currentStage: Stage | null;
  failedStage: Stage | null;
  errorCode: string | null;
  error: string | null;
  downtimeStartedAt: Date | null;
  downtimeEndedAt: Date | null;
};

type StageRow = {
  id: string;
  runId: string;
  stage: Stage;
  attempt: number;
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  errorCode: string | null;
};

export async function seedMigration(t: TestDatabase, now: Date): Promise<MigrationFixture> {
  const rand = random(42);
  const containerIds = await seedContainers(t);
  const batches = await seedBatches(t, now);
  const runs: RunRow[] = [];
  const stageRuns: StageRow[] = [];
  for (let i = 0; i < BATCHES * BATCH_SIZE; i++) {
    const batch = batches[Math.floor(i / BATCH_SIZE)]!;
    const run = makeRun(rand, batch, containerIds[i]!, i % BATCH_SIZE);
    runs.push(run);
    stageRuns.push(...stageRunsOf(run, rand));
  }
  for (let i = 0; i < runs.length; i += 1000) await t.prisma.migrationRun.createMany({ data: runs.slice(i, i + 1000) });
  for (let i = 0; i < stageRuns.length; i += 5000)
    await t.prisma.stageRun.createMany({ data: stageRuns.slice(i, i + 5000) });
  for (const status of new Set(runs.map((r) => r.status))) {
    await t.prisma.container.updateMany({
      where: { runs: { some: { status } } },
      data: { migrationState: CONTAINER_STATE_OF_RUN[status] },
    });
  }
  const started = runs.filter((r) => r.startedAt !== null);
  const noisy = started.find((r) => r.status === 'succeeded')!;
  const typical = started.filter((r) => r.status === 'succeeded')[1]!;
  await seedEvents(
    t,
    started.filter((r) => r !== noisy).map((r) => r.id),
    EVENTS - NOISY_RUN_EVENTS,
  );
  await seedEvents(t, [noisy.id], NOISY_RUN_EVENTS);
  // autovacuum would do it soon after a bulk load; the plans should not depend on when it ran
  await t.prisma.$executeRaw`ANALYZE`;
  return {
    containerId: typical.containerId,
    batchId: batches.find((b) => b.status === 'running')!.id,
    runId: typical.id,
    noisyRunId: noisy.id,
    counts: { containers: containerIds.length, runs: runs.length, stageRuns: stageRuns.length, events: EVENTS },
  };
}

async function seedContainers(t: TestDatabase): Promise<string[]> {
  const perHost = CONTAINERS / HOSTS;
  for (let h = 0; h < HOSTS; h++) {
    const host = await t.prisma.sourceHost.create({
      data: { name: `hv${h + 1}`, address: `10.0.0.${h + 1}`, privateKeyEnc: 'v1:x:y:z' },
    });
    const imp = await createInventoryImport(t.db, host.id, 'bench');
    await applyInventory(
      t.db,
      host.id,
      imp.id,
      Array.from({ length: perHost }, (_, i) => {
        const ctid = 1000 + h * perHost + i;
        return sampleInventoryContainer(ctid, {
          hostname: `ct${ctid}.customer-example.net`,
          status: ctid % 10 === 0 ? 'stopped' : 'running',
          ostemplate: OS[ctid % OS.length]!,
          ips: [
            {
              address: `10.${Math.floor(ctid / 65536) % 256}.${Math.floor(ctid / 256) % 256}.${ctid % 256}`,
              family: 4,
              prefix: null,
            },
          ],
        });
      }),
    );
  }
  // every 20th container has no customer; the rest belong to 1,000 customers, three each
  const rows = Array.from({ length: CONTAINERS }, (_, i) => i)
    .filter((i) => i % 20 !== 19)
    .map((i) => `${1000 + i},Customer ${Math.floor(i / 3)},c${Math.floor(i / 3)}@example.com,Europe/Berlin`);
  const applied = await applyCustomerRows(
    t.db,
    parseCustomerCsv(['ctid,customer,email,timezone', ...rows].join('\n')).rows,
  );
  if (!applied.ok) throw new Error('bench seed: the customers did not apply');
  const containers = await t.prisma.container.findMany({ orderBy: { sourceCtid: 'asc' }, select: { id: true } });
  return containers.map((c) => c.id);
}

interface BatchRow {
  id: string;
  status: 'completed' | 'running' | 'paused' | 'draft';
  startedAt: Date | null;
}

async function seedBatches(t: TestDatabase, now: Date): Promise<BatchRow[]> {
  const rows = Array.from({ length: BATCHES }, (_, i) => {
    const status = i < 17 ? 'completed' : i < 21 ? 'running' : i < 22 ? 'paused' : 'draft';
    const createdAt = new Date(now.getTime() - (BATCHES - i) * DAY);
    const startedAt = status === 'draft' ? null : new Date(createdAt.getTime() + HOUR);
    return {
      id: randomUUID(),
      name: `wave ${String(i + 1).padStart(2, '0')}`,
      status,
      concurrency: 10,
      createdAt,
      startedAt,
      finishedAt: status === 'completed' ? new Date(createdAt.getTime() + 20 * HOUR) : null,
    } as const;
  });
  await t.prisma.batch.createMany({ data: rows });
  return rows;
}

function pick<T>(rand: () => number, weighted: [T, number][]): T {
  let r = rand() * weighted.reduce((n, [, w]) => n + w, 0);
  for (const [value, w] of weighted) {
    r -= w;
    if (r < 0) return value;
  }
  return weighted.at(-1)![0];
}

function makeRun(rand: () => number, batch: BatchRow, containerId: string, position: number): RunRow {
  const status: RunStatus =
    batch.status === 'draft'
      ? 'pending'
      : batch.status === 'completed'
        ? pick<RunStatus>(rand, [
            ['succeeded', 88],
            ['failed', 9],
            ['cancelled', 3],
          ])
        : pick<RunStatus>(rand, [
            ['succeeded', 40],
            ['failed', 8],
            ['running', 15],
            ['waiting', 10],
            ['rolling_back', 2],
            ['queued', 25],
          ]);
  const base = batch.startedAt ?? new Date();
  const startedAt =
    status === 'pending' || status === 'queued' ? null : new Date(base.getTime() + position * 10 * 60_000);
  const run: RunRow = {
    id: randomUUID(),
    batchId: batch.id,
    containerId,
    status,
    createdAt: new Date(base.getTime() - HOUR),
    startedAt,
    finishedAt: null,
    currentStage: null,
    failedStage: null,
    errorCode: null,
    error: null,
    downtimeStartedAt: null,
    downtimeEndedAt: null,
  };
  if (!startedAt) return run;
  const at = (hours: number) => new Date(startedAt.getTime() + hours * HOUR);
  const downtime = 120 + Math.floor(rand() * 1700) * 1000;
  switch (status) {
    case 'succeeded':
      return {
        ...run,
        finishedAt: at(3),
        downtimeStartedAt: at(2),
        downtimeEndedAt: new Date(at(2).getTime() + downtime),
      };
    case 'failed': {
      const [stage, code] = FAILURES[Math.floor(rand() * FAILURES.length)]!;
      const down = stageInfo(stage).rollsBack;
      return {
        ...run,
        finishedAt: at(2.5),
        failedStage: stage,
        errorCode: code,
        error: `${stage} failed (${code})`,
        downtimeStartedAt: down ? at(2) : null,
        downtimeEndedAt: down ? new Date(at(2).getTime() + downtime) : null,
      };
    }
    case 'cancelled':
      return { ...run, finishedAt: at(0.5) };
    case 'waiting':
      return { ...run, currentStage: 'await_cutover' };
    case 'rolling_back':
      return {
        ...run,
        currentStage: 'verify',
        failedStage: 'verify',
        errorCode: 'verify_timeout',
        downtimeStartedAt: at(2),
      };
    default: {
      const stage = STAGES[Math.floor(rand() * STAGES.length)]!;
      return { ...run, currentStage: stage, downtimeStartedAt: stageInfo(stage).inDowntime ? at(2) : null };
    }
  }
}

/** The stage attempts a run in its status has: every stage up to where it is, the last in its state. */
function stageRunsOf(run: RunRow, rand: () => number): StageRow[] {
  if (!run.startedAt) return [];
  const last: Stage =
    run.status === 'succeeded'
      ? 'cleanup'
      : run.status === 'cancelled'
        ? 'initial_sync'
        : (run.failedStage ?? run.currentStage ?? 'preflight');
  const lastStatus: StageRow['status'] =
    run.status === 'succeeded'
      ? 'succeeded'
      : run.status === 'waiting'
        ? 'pending'
        : run.status === 'running'
          ? 'running'
          : 'failed';
  const rows: StageRow[] = [];
  const stages = STAGES.slice(0, STAGES.indexOf(last) + 1);
  stages.forEach((stage, i) => {
    const queuedAt = new Date(run.startedAt!.getTime() + i * 5 * 60_000);
    const isLast = i === stages.length - 1;
    // one run in twenty stopped its source twice: a retry after a rollback
    const attempts = stage === 'stop_source' && run.status === 'succeeded' && rand() < 0.05 ? 2 : 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const status = isLast ? lastStatus : 'succeeded';
      rows.push({
        id: randomUUID(),
        runId: run.id,
        stage,
        attempt,
        status,
        queuedAt,
        startedAt: status === 'pending' ? null : queuedAt,
        finishedAt: status === 'succeeded' || status === 'failed' ? new Date(queuedAt.getTime() + 4 * 60_000) : null,
        errorCode: status === 'failed' ? run.errorCode : null,
      });
    }
  });
  return rows;
}

/** `count` log lines over the runs, round robin, in one statement. */
async function seedEvents(t: TestDatabase, runIds: string[], count: number): Promise<void> {
  await t.prisma.$executeRaw`
    INSERT INTO "RunEvent" ("runId", at, level, kind, stream, message)
    SELECT (${runIds}::uuid[])[1 + g % ${runIds.length}],
      now() - make_interval(secs => ${count} - g),
      (CASE WHEN g % 50 = 0 THEN 'warn' ELSE 'info' END)::"EventLevel",
      (CASE WHEN g % 3 = 0 THEN 'command' WHEN g % 3 = 1 THEN 'output' ELSE 'event' END)::"EventKind",
      CASE WHEN g % 3 = 1 THEN 'stdout' END,
      'rsync: sent ' || g || ' bytes  received 1,024 bytes  speedup is 1.00 (line ' || g || ' of the log)'
    FROM generate_series(1, ${count}) AS g`;
}
