// The failures view against a real PostgreSQL: runs that failed for real
// (through the stage attempts, the rollback of a downtime failure), grouped;
// Retry all of a group retries exactly its runs that are still failed and
// hands back their jobs; a retried run of a completed batch is scheduled.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CutoverPath, decideNext, planStarts, stageFailure, type ErrorCode, type Stage } from '@vzferry/core';
import {
  assignRun,
  claimStageRun,
  completeFinishedBatches,
  completeRollback,
  createBatch,
  finishStageRun,
  listFailures,
  loadSchedulerState,
  retryFailureGroup,
  retryRun,
  startBatch,
} from '../src';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let tdb: TestDatabase;
const actor = { name: 'eng@example.com' };
const GiB = 1024n ** 3n;
let boxId: string;
let hostId: string;
let nextCtid = 100;

beforeAll(async () => {
  tdb = await createTestDatabase('failures');
  const host = await tdb.prisma.sourceHost.create({
    data: { name: 'hv-f', address: '127.0.0.1', privateKeyEnc: 'v1:x', maxConcurrentMigrations: 50 },
  });
  hostId = host.id;
  const box = await tdb.prisma.converterBox.create({
    data: {
      name: 'conv-f',
      workDir: '/tmp/w',
      freeDiskBytes: 5000n * GiB,
      totalDiskBytes: 10000n * GiB,
      cores: 2,
      maxConcurrentRuns: 50,
    },
  });
  boxId = box.id;
});
afterAll(async () => {
  await tdb?.drop();
});

/**
 * A run of a batch of its own that went through the stages of its order to `stage` and failed there with
 * `code` (a staged one: as preflight chose it).
 */
async function failedRun(stage: Stage, code: ErrorCode, path: CutoverPath = 'classic') {
  const ctid = nextCtid++;
  const customer = await tdb.prisma.customer.create({ data: { name: `Customer ${ctid}`, email: `c${ctid}@x.test` } });
  const container = await tdb.prisma.container.create({
    data: { sourceHostId: hostId, sourceCtid: ctid, hostname: `ct${ctid}.test`, customerId: customer.id },
  });
  const batch = await createBatch(tdb.db, { name: `b${ctid}`, containerIds: [container.id] }, actor);
  await startBatch(tdb.db, batch.id, {});
  const run = await tdb.prisma.migrationRun.findFirstOrThrow({ where: { batchId: batch.id } });
  await tdb.prisma.migrationRun.update({ where: { id: run.id }, data: { cutoverPath: path } });
  const job = await assignRun(tdb.db, run.id, boxId, GiB, new Date());
  let stageRunId = (job!.payload as { stageRunId: string }).stageRunId;
  for (;;) {
    const claim = await claimStageRun(tdb.db, { stageRunId, owner: 'w', boxId, now: new Date() });
    const failure = claim!.stage === stage ? stageFailure(code) : undefined;
    const outcome = failure ? { kind: 'failed' as const, failure: { ...failure, retryable: false } } : undefined;
    const next = decideNext({
      stage: claim!.stage,
      attempt: claim!.attempt,
      outcome: outcome ?? { kind: 'succeeded' },
      now: new Date(),
      path,
    });
    const jobs = await finishStageRun(tdb.db, { stageRunId, owner: 'w', next, failure, now: new Date() });
    if (failure) {
      if (next.kind === 'rollback') await completeRollback(tdb.db, run.id, new Date());
      break;
    }
    stageRunId = (jobs[0]!.payload as { stageRunId: string }).stageRunId;
  }
  const failed = await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: run.id } });
  expect(failed).toMatchObject({ status: 'failed', failedStage: stage, errorCode: code });
  return { runId: run.id, batchId: batch.id, ctid };
}

describe('the failures view', () => {
  let downloads: Awaited<ReturnType<typeof failedRun>>[];
  let preflight: Awaited<ReturnType<typeof failedRun>>;
  let otherCode: Awaited<ReturnType<typeof failedRun>>;

  beforeAll(async () => {
    preflight = await failedRun('preflight', 'preflight_failed');
    downloads = [
      await failedRun('register_template', 'template_download_failed'),
      await failedRun('register_template', 'template_download_failed'),
      await failedRun('register_template', 'template_download_failed'),
    ];
    otherCode = await failedRun('register_template', 'cloudstack_error');
  }, 120_000);

  it('groups the failed runs by stage and code, template downloads first, with what their Retry does', async () => {
    const { total, shown, groups } = await listFailures(tdb.db);
    expect([total, shown]).toEqual([5, 5]);
    expect(groups.map((g) => [g.key, g.count])).toEqual([
      ['register_template:template_download_failed', 3],
      ['preflight:preflight_failed', 1],
      ['register_template:cloudstack_error', 1],
    ]);
    const [first] = groups;
    expect(first!.retry).toEqual({
      from: 'stop_source',
      newDowntime: true,
      label: 'Retry from stop_source (a new downtime)',
    });
    expect(groups[1]!.retry).toMatchObject({ from: 'preflight', newDowntime: false });
    expect(first!.runs[0]).toMatchObject({
      container: { sourceCtid: downloads[2]!.ctid, sourceHost: { name: 'hv-f' } },
      customer: { name: `Customer ${downloads[2]!.ctid}` },
      batch: { id: downloads[2]!.batchId, name: `b${downloads[2]!.ctid}` },
      error: 'CloudStack could not download the template',
      failedAt: expect.any(Date),
    });
  });

  it('retries exactly the runs of the group that are still failed for its cause, and hands back their jobs', async () => {
    // one of them was retried by someone else meanwhile
    await retryRun(tdb.db, downloads[0]!.runId, actor);
    const result = await retryFailureGroup(
      tdb.db,
      {
        stage: 'register_template',
        errorCode: 'template_download_failed',
        // what the page showed, plus a run of another group sent by mistake
        runIds: [...downloads.map((d) => d.runId), otherCode.runId],
      },
      actor,
    );
    expect(result.retried).toEqual([
      { runId: downloads[1]!.runId, from: 'stop_source' },
      { runId: downloads[2]!.runId, from: 'stop_source' },
    ]);
    expect(result.notRetried).toEqual([
      { runId: downloads[0]!.runId, reason: 'only a failed run can be retried; this one is running' },
      {
        runId: otherCode.runId,
        reason: 'it failed for another cause meanwhile (register_template, cloudstack_error)',
      },
    ]);
    // one stop_source attempt per retried run, on its box's queue
    const stageRuns = await tdb.prisma.stageRun.findMany({
      where: { id: { in: result.jobs.map((j) => (j.payload as { stageRunId: string }).stageRunId) } },
    });
    expect(stageRuns.map((s) => [s.runId, s.stage, s.status]).sort()).toEqual(
      [
        [downloads[1]!.runId, 'stop_source', 'pending'],
        [downloads[2]!.runId, 'stop_source', 'pending'],
      ].sort(),
    );
    expect(result.jobs.every((j) => j.name === 'run_stage' && j.boxId === boxId)).toBe(true);
    const statuses = await tdb.prisma.migrationRun.findMany({
      where: { id: { in: [preflight.runId, otherCode.runId] } },
      select: { status: true },
    });
    expect(statuses.map((s) => s.status)).toEqual(['failed', 'failed']);
    expect((await listFailures(tdb.db)).groups.map((g) => g.key)).toEqual([
      'preflight:preflight_failed',
      'register_template:cloudstack_error',
    ]);
  });
});

describe('Retry all of a group of staged runs', () => {
  it('says where each run starts again in its own order: a staged deploy_vm at deploy_vm, not a new downtime', async () => {
    const staged = await failedRun('deploy_vm', 'vm_failed', 'staged');
    const result = await retryFailureGroup(
      tdb.db,
      { stage: 'deploy_vm', errorCode: 'vm_failed', runIds: [staged.runId] },
      actor,
    );
    // it used to say stop_source (the classic order's Retry) while the run started at deploy_vm
    expect(result.retried).toEqual([{ runId: staged.runId, from: 'deploy_vm' }]);
    const [stageRun] = await tdb.prisma.stageRun.findMany({
      where: { id: { in: result.jobs.map((j) => (j.payload as { stageRunId: string }).stageRunId) } },
    });
    expect(stageRun).toMatchObject({ runId: staged.runId, stage: 'deploy_vm', status: 'pending' });
  });
});

describe('a retried run of an ended batch', () => {
  it('opens the batch again, so the scheduler takes the run', async () => {
    const { runId, batchId } = await failedRun('preflight', 'preflight_failed');
    expect(await completeFinishedBatches(tdb.db)).toBeGreaterThanOrEqual(1);
    // its only run failed: the batch does not read "completed" as if all went well
    expect((await tdb.prisma.batch.findUniqueOrThrow({ where: { id: batchId } })).status).toBe(
      'completed_with_failures',
    );

    // a preflight failure goes back to the queue: the scheduler places it again
    expect(await retryRun(tdb.db, runId, actor)).toEqual([]);
    expect(await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: 'queued',
    });
    expect(await tdb.prisma.batch.findUniqueOrThrow({ where: { id: batchId } })).toMatchObject({
      status: 'running',
      finishedAt: null,
    });

    const state = await loadSchedulerState(tdb.db, new Date());
    const plan = planStarts(state.candidates, state.active, state.boxes, state.limits);
    expect(plan.starts).toContainEqual({ runId, converterBoxId: boxId });
    expect(await assignRun(tdb.db, runId, boxId, GiB, new Date())).toMatchObject({ name: 'run_stage' });
    expect((await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe('running');
  });
});

describe('a Retry while the scheduler closes the batch', () => {
  // The fault suite met it: the scheduler had counted the batch's runs (none active, one failed) when the
  // Retry moved the run back; it then closed the batch, which never ran the run's end again (and a run sent
  // back to the queue is taken from running batches only)
  it('leaves the batch open for the retried run, whichever of the two comes first', async () => {
    const { runId, batchId } = await failedRun('preflight', 'preflight_failed');
    // a third session holds the batch row, so that the closing and the Retry meet at it
    const holder = new pg.Client({ connectionString: tdb.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM "Batch" WHERE id = $1 FOR UPDATE', [batchId]);
      const closing = completeFinishedBatches(tdb.db);
      await untilWaitingOnLock(holder, 1);
      const retry = retryRun(tdb.db, runId, actor);
      // the Retry either waits at the batch row too or has committed
      const stop = new AbortController();
      await Promise.race([retry, untilWaitingOnLock(holder, 2, stop.signal)]);
      stop.abort();
      await holder.query('COMMIT');
      await Promise.all([closing, retry]);
    } finally {
      await holder.end();
    }
    expect(await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: 'queued',
    });
    expect(await tdb.prisma.batch.findUniqueOrThrow({ where: { id: batchId } })).toMatchObject({
      status: 'running',
      finishedAt: null,
    });
  });
});

/** Until `n` sessions of this database wait for a lock (the holder's), or `stop` is aborted. */
async function untilWaitingOnLock(holder: pg.Client, n: number, stop?: AbortSignal): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!stop?.aborted) {
    const { rows } = await holder.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (Number(rows[0]!.n) >= n) return;
    if (Date.now() > deadline) throw new Error(`${n} sessions were not waiting for a lock within 10 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
