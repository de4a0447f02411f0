// The pipeline engine against real PostgreSQL, Redis and worker processes,
// with scripted stages (fixtures/scripted-stages.ts): the order of the 16
// stages, automatic retries, rollback during the downtime, Retry, Cancel, a
// worker killed with SIGKILL mid-stage, and Redis losing its data.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { STAGES } from '@vzferry/core';
import { cancelRun, createBatch, delayOf, retryRun, startBatch, type FollowUpJob } from '@vzferry/db';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import { createProducer, type Producer } from '@vzferry/queue';
import { wipeQueues } from '@vzferry/queue/testing';
import type { ContainerScript } from './fixtures/scripted-stages';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROOT = path.resolve(import.meta.dirname, '../../..');
const actor = { name: 'test' };

let tdb: TestDatabase;
let prefix: string;
let controlDir: string;
let producer: Producer;
const workers: ChildProcess[] = [];

afterEach(async () => {
  for (const w of workers.splice(0)) await stopWorker(w, 'SIGTERM');
  await producer?.close();
  await wipeQueues(REDIS_URL, prefix);
  rmSync(controlDir, { recursive: true, force: true });
  await tdb?.drop();
});

async function setup() {
  tdb = await createTestDatabase('engine');
  prefix = `t-engine-${randomUUID()}`;
  controlDir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-engine-'));
  producer = createProducer({ redisUrl: REDIS_URL, prefix });
}

async function startWorker(boxName: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  // node itself (not the tsx launcher) so that SIGKILL hits the worker
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/engine-worker.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: tdb.url,
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        BOX_NAME: boxName,
        CONTROL_DIR: controlDir,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  workers.push(child);
  await new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (l) => l === 'ready' && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return child;
}

async function stopWorker(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await gone;
}

async function seed(label: string, scripts: Record<string, ContainerScript>) {
  const host = await tdb.prisma.sourceHost.create({
    data: { name: `hv-${label}`, address: '127.0.0.1', privateKeyEnc: 'v1:x' },
  });
  const ids: string[] = [];
  for (const [i, [hostname, script]] of Object.entries(scripts).entries()) {
    writeFileSync(path.join(controlDir, `${hostname}.json`), JSON.stringify(script));
    const c = await tdb.prisma.container.create({
      data: { sourceHostId: host.id, sourceCtid: 100 + i, hostname, diskQuotaKb: 1024n * 1024n, diskUsedKb: 1024n },
    });
    ids.push(c.id);
  }
  return ids;
}

async function runBatch(label: string, scripts: Record<string, ContainerScript>, concurrency = 4) {
  const ids = await seed(label, scripts);
  const batch = await createBatch(tdb.db, { name: label, containerIds: ids, concurrency }, actor);
  await startBatch(tdb.db, batch.id, {});
  return batch;
}

const enqueue = async (jobs: FollowUpJob[]) => {
  for (const j of jobs)
    await producer.ensure(j.name, j.payload as never, { boxId: j.boxId, jobId: j.jobId, delayMs: delayOf(j) });
};

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const calls = () =>
  existsSync(path.join(controlDir, 'calls.log'))
    ? readFileSync(path.join(controlDir, 'calls.log'), 'utf8').trim().split('\n')
    : [];
const runsOf = (batchId: string) =>
  tdb.prisma.migrationRun.findMany({
    where: { batchId },
    include: { container: true, stageRuns: { orderBy: { queuedAt: 'asc' } } },
  });
const allDone =
  (batchId: string, statuses = ['succeeded']) =>
  async () => {
    const runs = await runsOf(batchId);
    return runs.every((r) => statuses.includes(r.status)) && runs;
  };

describe('pipeline engine', () => {
  it('takes a batch through all 16 stages in order, one attempt each, and records the downtime', async () => {
    await setup();
    await startWorker('box-order');
    const batch = await runBatch('order', { 'a.test': {}, 'b.test': {}, 'c.test': {} }, 2);
    const runs = await waitFor('the batch to finish', allDone(batch.id));
    for (const run of runs) {
      expect(run.stageRuns.map((s) => s.stage)).toEqual([...STAGES]);
      expect(run.stageRuns.every((s) => s.status === 'succeeded' && s.attempt === 1)).toBe(true);
      expect(run.downtimeStartedAt!.getTime()).toBeLessThanOrEqual(run.downtimeEndedAt!.getTime());
      expect(run.container.migrationState).toBe('migrated');
    }
    await waitFor(
      'the batch to complete',
      async () => (await tdb.prisma.batch.findUniqueOrThrow({ where: { id: batch.id } })).status === 'completed',
    );
  });

  it('retries a transient failure by itself, and rolls back a failure during the downtime until an engineer retries', async () => {
    await setup();
    await startWorker('box-fail');
    const batch = await runBatch('fail', {
      'flaky.test': { initial_sync: { failTimes: 1, retryable: true } },
      'broken.test': { deploy_vm: { fail: 'insufficient capacity' } },
    });
    const runs = await waitFor('both runs to end', allDone(batch.id, ['succeeded', 'failed']));
    const flaky = runs.find((r) => r.container.hostname === 'flaky.test')!;
    expect(flaky.status).toBe('succeeded');
    expect(flaky.stageRuns.filter((s) => s.stage === 'initial_sync').map((s) => [s.attempt, s.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);

    const broken = runs.find((r) => r.container.hostname === 'broken.test')!;
    expect(broken).toMatchObject({ status: 'failed', failedStage: 'deploy_vm', error: 'insufficient capacity' });
    expect(broken.downtimeEndedAt).not.toBeNull();
    expect(calls()).toContain('broken.test ROLLBACK');

    writeFileSync(path.join(controlDir, 'broken.test.json'), '{}'); // the engineer fixed the cause
    await enqueue(await retryRun(tdb.db, broken.id, actor));
    const [after] = await waitFor('the retried run to succeed', async () => {
      const r = (await runsOf(batch.id)).filter((x) => x.id === broken.id && x.status === 'succeeded');
      return r.length > 0 && r;
    });
    const stopSources = after!.stageRuns.filter((s) => s.stage === 'stop_source').map((s) => s.attempt);
    expect(stopSources).toEqual([1, 2]);
  });

  it('finishes a run after its worker was killed with SIGKILL mid-stage and restarted', async () => {
    await setup();
    const first = await startWorker('box-kill', { LEASE_MS: '2000' });
    const batch = await runBatch('kill', { 'slow.test': { initial_sync: { sleepMs: 4_000 } } });
    await waitFor('initial_sync to start', async () => calls().includes('slow.test initial_sync 1 fresh'));
    await stopWorker(first, 'SIGKILL');
    await startWorker('box-kill', { LEASE_MS: '2000' });
    const [run] = await waitFor('the run to finish', allDone(batch.id), 90_000);
    expect(calls()).toContain('slow.test initial_sync 1 resumed');
    expect(run!.stageRuns.filter((s) => s.stage === 'initial_sync')).toHaveLength(1);
    expect(run!.stageRuns.every((s) => s.status === 'succeeded')).toBe(true);
  });

  it('rebuilds the queues from PostgreSQL after Redis lost its data mid-batch', async () => {
    await setup();
    await startWorker('box-redis');
    const batch = await runBatch('redis', {
      'r1.test': { prepare_source: { sleepMs: 1_500 } },
      'r2.test': { prepare_source: { sleepMs: 1_500 } },
    });
    await waitFor('prepare_source to start', async () => calls().some((l) => l.includes('prepare_source')));
    await wipeQueues(REDIS_URL, prefix);
    const runs = await waitFor('the batch to finish', allDone(batch.id), 90_000);
    expect(runs).toHaveLength(2);
  });

  it('cancels a run in the middle of a stage: the stage stops and the cancel clean-up runs', async () => {
    await setup();
    await startWorker('box-cancel');
    const batch = await runBatch('cancel', { 'x.test': { initial_sync: { sleepMs: 30_000 } } });
    await waitFor('initial_sync to start', async () => calls().includes('x.test initial_sync 1 fresh'));
    const [run] = await runsOf(batch.id);
    const started = Date.now();
    await enqueue(await cancelRun(tdb.db, run!.id, actor));
    const [done] = await waitFor('the run to be cancelled', allDone(batch.id, ['cancelled']));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(calls()).toContain('x.test CANCEL');
    expect(done!.stageRuns.find((s) => s.stage === 'initial_sync')!.status).toBe('cancelled');
    expect(done!.container.migrationState).toBe('cancelled');
  });

  it('a cancel that arrives during a rollback waits for it, then cleans up once', async () => {
    await setup();
    await startWorker('box-cancel-rollback', { ROLLBACK_MS: '3000' });
    const batch = await runBatch('cancel-rollback', { 'y.test': { deploy_vm: { fail: 'insufficient capacity' } } });
    const run = await waitFor('the rollback to start', async () => {
      const [r] = await runsOf(batch.id);
      return r?.status === 'rolling_back' && r;
    });
    await enqueue(await cancelRun(tdb.db, run.id, actor));
    const [done] = await waitFor('the run to be cancelled', allDone(batch.id, ['cancelled']));
    // the cancel used to stop the VM and start the source beside the rollback
    expect(calls().filter((l) => /ROLLBACK|CANCEL/.test(l))).toEqual(['y.test ROLLBACK', 'y.test CANCEL']);
    expect(done!.downtimeEndedAt).not.toBeNull();
  });
});
