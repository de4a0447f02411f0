import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideNext } from '@vzferry/core';
import { planStarts } from '@vzferry/core';
import {
  assignRun,
  cancelRun,
  recordWaitingReasons,
  releaseLeasesOfBox,
  claimStageRun,
  completeCancel,
  completeRollback,
  createBatch,
  finishStageRun,
  heartbeatStageRun,
  jobsThatMustExist,
  loadSchedulerState,
  retryRun,
  setBatchPaused,
  startBatch,
  startDueBatches,
} from '../src';
import { moveRun } from '../src/runs/transitions';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let tdb: TestDatabase;
const actor = { name: 'eng@example.com' };
const GiB = 1024n ** 3n;

beforeAll(async () => {
  tdb = await createTestDatabase('runs');
});
afterAll(async () => {
  await tdb?.drop();
});

async function seed(label: string, count = 3) {
  const db = tdb.prisma;
  const host = await db.sourceHost.create({
    data: { name: `hv-${label}`, address: '127.0.0.1', privateKeyEnc: 'v1:x', maxConcurrentMigrations: 10 },
  });
  const containers = [];
  for (let i = 0; i < count; i++) {
    containers.push(
      await db.container.create({
        data: {
          sourceHostId: host.id,
          sourceCtid: 100 + i,
          hostname: `ct${i}.${label}`,
          diskQuotaKb: 10n * 1024n * 1024n,
          diskUsedKb: 1024n * 1024n,
        },
      }),
    );
  }
  const box = await db.converterBox.create({
    data: {
      name: `conv-${label}`,
      workDir: '/tmp/w',
      freeDiskBytes: 500n * GiB,
      totalDiskBytes: 1000n * GiB,
      cores: 2,
      maxConcurrentRuns: 4,
    },
  });
  return { host, containers, box };
}

async function startedRun(label: string) {
  const { containers, box } = await seed(label, 1);
  const batch = await createBatch(tdb.db, { name: `b-${label}`, containerIds: [containers[0]!.id] }, actor);
  await startBatch(tdb.db, batch.id, {});
  const run = await tdb.prisma.migrationRun.findFirstOrThrow({ where: { batchId: batch.id } });
  const job = await assignRun(tdb.db, run.id, box.id, 20n * GiB, new Date());
  return { run, box, batch, container: containers[0]!, job: job! };
}

async function advanceTo(stageRunId: string, owner: string, boxId: string, target: string) {
  let id = stageRunId;
  for (;;) {
    const claim = await claimStageRun(tdb.db, { stageRunId: id, owner, boxId, now: new Date() });
    if (!claim) throw new Error('claim failed');
    if (claim.stage === target) return claim;
    const next = decideNext({
      stage: claim.stage,
      attempt: claim.attempt,
      outcome: { kind: 'succeeded' },
      now: new Date(),
    });
    const jobs = await finishStageRun(tdb.db, { stageRunId: id, owner, next, now: new Date() });
    id = (jobs[0]!.payload as { stageRunId: string }).stageRunId;
  }
}

describe('batches', () => {
  it('creates a pending run per container and refuses a container that is in another active batch', async () => {
    const { containers } = await seed('batch');
    const batch = await createBatch(
      tdb.db,
      { name: 'wave-1', containerIds: containers.map((c) => c.id), concurrency: 2 },
      actor,
    );
    expect(await tdb.prisma.migrationRun.count({ where: { batchId: batch.id, status: 'pending' } })).toBe(3);
    expect((await tdb.prisma.container.findUniqueOrThrow({ where: { id: containers[0]!.id } })).migrationState).toBe(
      'queued',
    );
    await expect(createBatch(tdb.db, { name: 'wave-2', containerIds: [containers[1]!.id] }, actor)).rejects.toThrow(
      /container 101 on hv-batch is already in batch wave-1/,
    );
    expect(await tdb.prisma.batch.count({ where: { name: 'wave-2' } })).toBe(0);
  });

  it('starts now, or later at its start time', async () => {
    const { containers } = await seed('later', 1);
    const batch = await createBatch(tdb.db, { name: 'later', containerIds: [containers[0]!.id] }, actor);
    const now = new Date();
    const started = await startBatch(tdb.db, batch.id, { at: new Date(now.getTime() + 3_600_000), now });
    expect(started.status).toBe('scheduled');
    expect(await startDueBatches(tdb.db, now)).toBe(0);
    expect(await startDueBatches(tdb.db, new Date(now.getTime() + 3_600_001))).toBe(1);
  });
});

describe('scheduling', () => {
  it('plans within the batch limit and assigns each run once', async () => {
    const { containers, box } = await seed('sched', 3);
    const batch = await createBatch(
      tdb.db,
      { name: 'sched', containerIds: containers.map((c) => c.id), concurrency: 2 },
      actor,
    );
    await startBatch(tdb.db, batch.id, {});
    const state = await loadSchedulerState(tdb.db, new Date());
    const mine = { ...state, candidates: state.candidates.filter((c) => c.batchId === batch.id) };
    const plan = planStarts(
      mine.candidates,
      mine.active,
      mine.boxes.filter((b) => b.id === box.id),
      mine.limits,
    );
    expect(plan.starts).toHaveLength(2);
    expect(plan.waiting[0]!.reason).toMatch(/batch sched is at its limit of 2/);
    // a run that waited shows why, until it starts
    const first = plan.starts[0]!;
    await recordWaitingReasons(tdb.db, [{ runId: first.runId, reason: 'every converter box is busy' }]);
    expect(await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: first.runId } })).toMatchObject({
      errorCode: 'waiting_for_capacity',
      error: 'every converter box is busy',
    });
    const job = await assignRun(tdb.db, first.runId, box.id, 20n * GiB, new Date());
    expect(job).toMatchObject({ name: 'run_stage', boxId: box.id });
    expect(await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: first.runId } })).toMatchObject({
      status: 'running',
      errorCode: null,
      error: null,
    });
    expect(await assignRun(tdb.db, first.runId, box.id, 20n * GiB, new Date())).toBeNull();
  });

  it('does not start runs of a paused batch', async () => {
    const { containers } = await seed('paused', 1);
    const batch = await createBatch(tdb.db, { name: 'paused', containerIds: [containers[0]!.id] }, actor);
    await startBatch(tdb.db, batch.id, {});
    await setBatchPaused(tdb.db, batch.id, true);
    const state = await loadSchedulerState(tdb.db, new Date());
    expect(state.candidates.find((c) => c.batchId === batch.id)).toBeUndefined();
  });
});

describe('stage runs', () => {
  it('lets one worker claim an attempt, advances to the next stage, and ignores a second claim', async () => {
    const { job, box, run } = await startedRun('claim');
    const id = (job.payload as { stageRunId: string }).stageRunId;
    const claim = await claimStageRun(tdb.db, { stageRunId: id, owner: 'w1', boxId: box.id, now: new Date() });
    expect(claim).toMatchObject({ stage: 'preflight', attempt: 1, resumed: false });
    expect(await claimStageRun(tdb.db, { stageRunId: id, owner: 'w2', boxId: box.id, now: new Date() })).toBeNull();
    const next = decideNext({ stage: 'preflight', attempt: 1, outcome: { kind: 'succeeded' }, now: new Date() });
    const jobs = await finishStageRun(tdb.db, {
      stageRunId: id,
      owner: 'w1',
      next,
      now: new Date(),
      runPatch: { preflightOk: true },
    });
    expect(jobs).toHaveLength(1);
    const after = await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(after).toMatchObject({ currentStage: 'prepare_source', preflightOk: true, status: 'running' });
  });

  it("frees the attempts of a restarted box's previous process at once", async () => {
    const { job, box } = await startedRun('restart');
    const id = (job.payload as { stageRunId: string }).stageRunId;
    const t0 = new Date();
    await claimStageRun(tdb.db, { stageRunId: id, owner: 'box:1', boxId: box.id, now: t0 });
    expect(await releaseLeasesOfBox(tdb.db, box.id, 'box:1')).toBe(0);
    expect(await claimStageRun(tdb.db, { stageRunId: id, owner: 'box:2', boxId: box.id, now: t0 })).toBeNull();
    expect(await releaseLeasesOfBox(tdb.db, box.id, 'box:2')).toBe(1);
    expect(await claimStageRun(tdb.db, { stageRunId: id, owner: 'box:2', boxId: box.id, now: t0 })).toMatchObject({
      resumed: true,
    });
    expect(await heartbeatStageRun(tdb.db, { stageRunId: id, owner: 'box:1', now: t0 })).toEqual({
      lost: true,
      cancelRequested: false,
    });
  });

  it("hands an attempt whose worker stopped heartbeating to another worker, and drops the old worker's late result", async () => {
    const { job, box } = await startedRun('lease');
    const id = (job.payload as { stageRunId: string }).stageRunId;
    const t0 = new Date();
    await claimStageRun(tdb.db, { stageRunId: id, owner: 'dead', boxId: box.id, now: t0 });
    expect(
      await claimStageRun(tdb.db, { stageRunId: id, owner: 'w2', boxId: box.id, now: new Date(t0.getTime() + 30_000) }),
    ).toBeNull();
    const later = new Date(t0.getTime() + 61_000);
    expect(await claimStageRun(tdb.db, { stageRunId: id, owner: 'w2', boxId: box.id, now: later })).toMatchObject({
      resumed: true,
    });
    expect(await heartbeatStageRun(tdb.db, { stageRunId: id, owner: 'dead', now: later })).toEqual({
      lost: true,
      cancelRequested: false,
    });
    const next = decideNext({ stage: 'preflight', attempt: 1, outcome: { kind: 'succeeded' }, now: later });
    expect(await finishStageRun(tdb.db, { stageRunId: id, owner: 'dead', next, now: later })).toEqual([]);
    expect(await finishStageRun(tdb.db, { stageRunId: id, owner: 'w2', next, now: later })).toHaveLength(1);
  });

  it('waits without holding a worker, and cannot be claimed before its time', async () => {
    const { job, box, run } = await startedRun('wait');
    const sr = await advanceTo((job.payload as { stageRunId: string }).stageRunId, 'w', box.id, 'await_cutover');
    const until = new Date(Date.now() + 3_600_000);
    const next = decideNext({
      stage: 'await_cutover',
      attempt: sr.attempt,
      outcome: { kind: 'wait', until, message: 'window' },
      now: new Date(),
    });
    const [j] = await finishStageRun(tdb.db, {
      stageRunId: sr.stageRunId,
      owner: 'w',
      next,
      now: new Date(),
      message: 'waiting for the window',
    });
    expect(j).toMatchObject({ name: 'run_stage', notBefore: until });
    expect((await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('waiting');
    expect(
      await claimStageRun(tdb.db, { stageRunId: sr.stageRunId, owner: 'w', boxId: box.id, now: new Date() }),
    ).toBeNull();
    expect(
      await claimStageRun(tdb.db, {
        stageRunId: sr.stageRunId,
        owner: 'w',
        boxId: box.id,
        now: new Date(until.getTime() + 1),
      }),
    ).toMatchObject({
      stage: 'await_cutover',
    });
  });

  it('rolls back a downtime failure, closes the downtime, and retries from stop_source', async () => {
    const { job, box, run, container } = await startedRun('rollback');
    const sr = await advanceTo((job.payload as { stageRunId: string }).stageRunId, 'w', box.id, 'deploy_vm');
    await tdb.prisma.migrationRun.update({
      where: { id: run.id },
      data: { downtimeStartedAt: new Date(Date.now() - 5000) },
    });
    const failure = { code: 'cloudstack_533', message: 'insufficient capacity', retryable: false };
    const next = decideNext({ stage: 'deploy_vm', attempt: 1, outcome: { kind: 'failed', failure }, now: new Date() });
    const jobs = await finishStageRun(tdb.db, {
      stageRunId: sr.stageRunId,
      owner: 'w',
      next,
      failure,
      now: new Date(),
    });
    expect(jobs).toEqual([expect.objectContaining({ name: 'rollback_run', boxId: box.id })]);
    await completeRollback(tdb.db, run.id, new Date());
    const failed = await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(failed).toMatchObject({ status: 'failed', failedStage: 'deploy_vm', error: 'insufficient capacity' });
    expect(failed.downtimeEndedAt).not.toBeNull();
    expect((await tdb.prisma.container.findUniqueOrThrow({ where: { id: container.id } })).migrationState).toBe(
      'failed',
    );

    const retry = await retryRun(tdb.db, run.id, actor);
    const retried = await tdb.prisma.stageRun.findUniqueOrThrow({
      where: { id: (retry[0]!.payload as { stageRunId: string }).stageRunId },
    });
    expect(retried).toMatchObject({ stage: 'stop_source', attempt: 2, status: 'pending' });
  });

  it('cancels a queued run at once and a running one through its box', async () => {
    const { containers } = await seed('cancel', 1);
    const batch = await createBatch(tdb.db, { name: 'cancel-q', containerIds: [containers[0]!.id] }, actor);
    const queued = await tdb.prisma.migrationRun.findFirstOrThrow({ where: { batchId: batch.id } });
    expect(await cancelRun(tdb.db, queued.id, actor)).toEqual([]);
    expect((await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: queued.id } })).status).toBe('cancelled');

    const { job, box, run } = await startedRun('cancel-r');
    const id = (job.payload as { stageRunId: string }).stageRunId;
    await claimStageRun(tdb.db, { stageRunId: id, owner: 'w', boxId: box.id, now: new Date() });
    expect(await cancelRun(tdb.db, run.id, actor)).toEqual([expect.objectContaining({ name: 'cancel_run' })]);
    expect(await heartbeatStageRun(tdb.db, { stageRunId: id, owner: 'w', now: new Date() })).toEqual({
      lost: false,
      cancelRequested: true,
    });
    await completeCancel(tdb.db, run.id, new Date());
    expect((await tdb.prisma.stageRun.findUniqueOrThrow({ where: { id } })).status).toBe('cancelled');
  });
});

describe('reconciliation', () => {
  it('lists a job for every pending attempt and every attempt whose worker went silent', async () => {
    const { job, box } = await startedRun('recon');
    const id = (job.payload as { stageRunId: string }).stageRunId;
    let jobs = await jobsThatMustExist(tdb.db, new Date());
    expect(jobs.map((j) => j.jobId)).toContain(job.jobId);
    const t0 = new Date();
    await claimStageRun(tdb.db, { stageRunId: id, owner: 'w', boxId: box.id, now: t0 });
    jobs = await jobsThatMustExist(tdb.db, new Date(t0.getTime() + 1000));
    expect(jobs.map((j) => j.jobId)).not.toContain(job.jobId);
    jobs = await jobsThatMustExist(tdb.db, new Date(t0.getTime() + 61_000));
    const takeover = jobs.find((j) => j.name === 'run_stage' && j.payload.stageRunId === id);
    expect(takeover?.jobId).toBe(`stage-${id}-takeover-${t0.getTime()}`);
  });
});

describe('moves between statuses (transitions.ts)', () => {
  it('moves a run only along the state table, and its container follows', async () => {
    const { run } = await startedRun('moves');
    await tdb.prisma.$transaction(async (tx) => {
      // running -> succeeded is in the table; succeeded -> running is not
      expect(await moveRun(tx, run.id, 'succeeded', { data: { finishedAt: new Date() } })).toBe(true);
      expect(await moveRun(tx, run.id, 'running')).toBe(false);
      expect(await moveRun(tx, run.id, 'queued')).toBe(false);
    });
    const after = await tdb.prisma.migrationRun.findUniqueOrThrow({
      where: { id: run.id },
      include: { container: true },
    });
    expect(after.status).toBe('succeeded');
    expect(after.container.migrationState).toBe('migrated');
  });

  it('refuses a caller that names a status the table does not allow, before touching the database', async () => {
    const { run } = await startedRun('moves-bad');
    await expect(
      tdb.prisma.$transaction((tx) => moveRun(tx, run.id, 'running', { from: ['succeeded'] })),
    ).rejects.toThrow(/no move from succeeded to running/);
    expect((await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('running');
  });

  it('lets only one of two racing moves win', async () => {
    const { run } = await startedRun('moves-race');
    const [a, b] = await Promise.all([
      tdb.prisma.$transaction((tx) => moveRun(tx, run.id, 'rolling_back', { from: ['running'] })),
      tdb.prisma.$transaction((tx) => moveRun(tx, run.id, 'waiting', { from: ['running'] })),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
  });
});
