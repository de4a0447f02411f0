// Every downtime window of a run against a real PostgreSQL: a run fails in
// deploy_vm (rolled back: the first window closes), an engineer retries (from
// stop_source: the source stops a second time), and it succeeds. The run, its
// page and the report count both windows and their sum; before, the Retry
// kept the first start and the downtime read as one window from the first
// stop to the end of verify, the hours the container ran again included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideNext, stageFailure, type Stage, type StageOutcome } from '@vzferry/core';
import {
  assignRun,
  claimStageRun,
  completeRollback,
  createBatch,
  finishStageRun,
  getRunView,
  listDowntimes,
  loadReport,
  loadRunContext,
  recordDowntimeStarted,
  retryRun,
  startBatch,
  type FollowUpJob,
} from '../src';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let tdb: TestDatabase;
const actor = { name: 'eng@example.com' };
const GiB = 1024n ** 3n;
let boxId: string;
let hostId: string;

beforeAll(async () => {
  tdb = await createTestDatabase('windows');
  const host = await tdb.prisma.sourceHost.create({
    data: { name: 'hv-w', address: '127.0.0.1', privateKeyEnc: 'v1:x', maxConcurrentMigrations: 50 },
  });
  hostId = host.id;
  const box = await tdb.prisma.converterBox.create({
    data: {
      name: 'conv-w',
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

const at = (hhmm: string) => new Date(`2026-12-10T${hhmm}:00Z`);

/**
 * Runs the stage attempts of the jobs, each at its time, until `failAt`
 * fails or the run ends. stop_source and verify write the downtime as the
 * stages do: stop_source starts a window only if none has started.
 */
async function drive(runId: string, jobs: FollowUpJob[], clock: Partial<Record<Stage, Date>>, failAt?: Stage) {
  let job = jobs[0];
  while (job) {
    const stageRunId = (job.payload as { stageRunId: string }).stageRunId;
    const stage = (await tdb.prisma.stageRun.findUniqueOrThrow({ where: { id: stageRunId } })).stage;
    const now = clock[stage] ?? at('00:00');
    await claimStageRun(tdb.db, { stageRunId, owner: 'w', boxId, now });
    const state = (await loadRunContext(tdb.db, runId)).downtimeStartedAt;
    let runPatch = {};
    if (stage === 'stop_source' && !state) {
      await recordDowntimeStarted(tdb.db, runId, now, true);
      runPatch = { downtimeStartedAt: now };
    }
    if (stage === 'verify') runPatch = { downtimeEndedAt: now };
    const failure = stage === failAt ? { ...stageFailure('vm_failed'), retryable: false } : undefined;
    const outcome: StageOutcome = failure ? { kind: 'failed', failure } : { kind: 'succeeded' };
    const next = decideNext({ stage, attempt: 1, outcome, now });
    const after = await finishStageRun(tdb.db, { stageRunId, owner: 'w', next, failure, runPatch, now });
    if (next.kind === 'rollback') await completeRollback(tdb.db, runId, clock.cleanup ?? now);
    job = after.find((j) => j.name === 'run_stage');
  }
}

describe('downtime windows', () => {
  it('a Retry after a rollback records a second window; the run, its page and the report show both and their sum', async () => {
    const container = await tdb.prisma.container.create({
      data: { sourceHostId: hostId, sourceCtid: 501, hostname: 'ct501.test' },
    });
    const batch = await createBatch(tdb.db, { name: 'windows', containerIds: [container.id] }, actor);
    await startBatch(tdb.db, batch.id, {});
    const run = await tdb.prisma.migrationRun.findFirstOrThrow({ where: { batchId: batch.id } });
    const first = await assignRun(tdb.db, run.id, boxId, GiB, at('01:00'));
    // down 01:10, deploy fails, the rollback starts the source at 01:15
    await drive(
      run.id,
      [first!],
      { stop_source: at('01:10'), deploy_vm: at('01:14'), cleanup: at('01:15') },
      'deploy_vm',
    );
    expect(await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'failed',
      downtimeStartedAt: at('01:10'),
      downtimeEndedAt: at('01:15'),
    });

    // the container runs again for hours; the Retry stops it at 05:00, verify ends the downtime at 05:03
    const retry = await retryRun(tdb.db, run.id, actor);
    expect(await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      downtimeStartedAt: null,
      downtimeEndedAt: null,
      sourceWasRunning: null,
    });
    await drive(run.id, retry, { stop_source: at('05:00'), verify: at('05:03'), cleanup: at('05:04') });
    expect((await tdb.prisma.migrationRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('succeeded');

    const windows = [
      { startedAt: at('01:10'), endedAt: at('01:15') },
      { startedAt: at('05:00'), endedAt: at('05:03') },
    ];
    const view = await getRunView(tdb.db, run.id);
    expect(view.downtimeWindows).toEqual(windows);
    expect(view.downtimeSeconds).toBe(8 * 60);

    const [row] = await listDowntimes(tdb.db);
    expect(row).toMatchObject({ runId: run.id, seconds: 8 * 60, stops: 2, windows });
    expect(row!.startedAt).toEqual(at('01:10'));
    expect(row!.endedAt).toEqual(at('05:03'));
    const report = await loadReport(tdb.db, { now: at('06:00') });
    expect(report.downtime).toMatchObject({ count: 1, maxSeconds: 8 * 60, stoppedMoreThanOnce: 1 });
  });
});
