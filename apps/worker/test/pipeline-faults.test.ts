// The pipeline's failure paths on the lab, with the real worker and the lab
// CloudStack's fault injection, each asserting the final database state and
// the source container's state on its hypervisor: a template download that
// fails twice and then succeeds (the retries are visible in the run); one
// that keeps failing (the run stops at register_template, the source runs
// again; Retry after the fault is cleared finishes the run); a failing
// deploy (rolled back: the source runs again within seconds, downtime closed;
// Retry deploys a new VM with what was written meanwhile); a VM whose IPs do not
// answer (stopped before the source starts again);
// the worker killed with SIGKILL during initial_sync and during final_sync
// (the run finishes after the restart, with one work disk); the queue's keys
// in Redis lost mid-run (the reconciler rebuilds them from PostgreSQL).
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryRun, savePipelineSettings } from '@vzferry/db';
import { createRedis } from '@vzferry/queue';
import { installBootPackages } from '@vzferry/lab';
import { REDIS_URL, startLabStack, waitForBatch, type LabStack } from './support/lab-stack';
import {
  ended,
  enqueue,
  migratableContainers,
  migrateOne,
  privateDir,
  sourceRunning,
  whenStage,
  type LabCt,
  type SpareCt,
} from './support/lab-runs';
import { readFromVolume } from './support/volume';

const actor = { name: 'test' };
let stack: LabStack;
let spare: SpareCt[] = [];

beforeAll(async () => {
  stack = await startLabStack('faults', { hosts: 1, containers: 30, debian12: false });
  // fast retries: the back-off and polling are settings, their defaults are minutes
  await savePipelineSettings(stack.t.db, {
    templateRetryAttempts: 3,
    templateRetryBackoffSeconds: 1,
    templatePollSeconds: 1,
  });
  spare = await migratableContainers(stack);
}, 600_000);

afterAll(async () => {
  if (stack)
    console.log(
      stack.workerLog
        .filter((l) => l.startsWith('[test]') || /error|fail/i.test(l))
        .slice(-40)
        .join('\n'),
    );
  await stack?.stop();
}, 120_000);

/** The lab's own record of a running container (what `vzctl status` reads). */
function runningMarker(ct: LabCt): string {
  return path.join(stack.dir, 'lab/hosts', ct.hostName, 'vz/lab/running', String(ct.sourceCtid));
}

/** A file the customer writes into the container while it runs again after a rollback. */
function writeAfterRollback(ct: LabCt): { file: string; content: string } {
  const file = 'root/written-after-rollback.txt';
  const content = `written at ${new Date().toISOString()} ${randomBytes(4).toString('hex')}\n`;
  writeFileSync(path.join(privateDir(stack, ct), file), content);
  return { file, content };
}

/** The run's stages in order with their messages (what a failed check prints). */
async function stageLog(runId: string): Promise<string> {
  const stages = await stack.t.prisma.stageRun.findMany({ where: { runId }, orderBy: { queuedAt: 'asc' } });
  return stages
    .map(
      (s) => `${s.stage}#${s.attempt} ${s.status} ${s.startedAt?.toISOString() ?? '-'}: ${s.message ?? s.error ?? ''}`,
    )
    .join('\n');
}

/** A file on the ROOT volume of a VM in the lab's CloudStack (null if missing). */
async function onVmVolume(vmId: string, file: string): Promise<string | null> {
  const files = await readFromVolume(stack.lab.cloudstack!.simulator.rootVolumePath(vmId), [file], stack.dir);
  return files[file] ?? null;
}

/** loop devices attached to a run's work disk */
function loopsOf(runId: string): string[] {
  const out = execFileSync('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(`/work/${runId}/disk.raw`));
}

describe('pipeline failures on the lab', () => {
  it(
    'registers the template again after two failed downloads, by itself, and finishes',
    { timeout: 600_000 },
    async () => {
      stack.lab.cloudstack!.faults.set({ failDownloads: { count: 2, mode: 'reset' } });
      const { batchId, runId, ct } = await migrateOne(stack, spare, 'download fails twice');
      const [run] = await waitForBatch(stack, batchId, 480_000, ended);
      expect(run!.status).toBe('succeeded');
      const uploads = await stack.t.prisma.templateUpload.findMany({ where: { runId }, orderBy: { attempt: 'asc' } });
      expect(uploads.map((u) => u.attempt)).toEqual([1, 2, 3]);
      // the two failures keep the secondary storage's own text; the third was deleted by cleanup after the deploy
      expect(uploads.slice(0, 2).every((u) => u.error !== null || (u.csStatus ?? '').length > 0)).toBe(true);
      const stage = await stack.t.prisma.stageRun.findFirstOrThrow({
        where: { runId, stage: 'register_template', status: 'succeeded' },
      });
      expect(stage.message).toMatch(/after 3 registration/);
      const retries = await stack.t.prisma.runEvent.findMany({
        where: { runId, message: { contains: 'registering again' } },
      });
      expect(retries).toHaveLength(2);
      expect(sourceRunning(stack, ct)).toBe(false);
    },
  );

  it(
    'stops at register_template when every download fails, with the source running again; Retry after the fault is cleared finishes',
    { timeout: 600_000 },
    async () => {
      stack.lab.cloudstack!.faults.set({ clear: true, failDownloads: { count: 100, mode: 'http500' } });
      const { batchId, runId, ct } = await migrateOne(stack, spare, 'download keeps failing');
      const [failed] = await waitForBatch(stack, batchId, 480_000, ended);
      expect(failed).toMatchObject({
        status: 'failed',
        failedStage: 'register_template',
        errorCode: 'template_download_failed',
      });
      expect(failed!.error).toMatch(/failed 3 time\(s\)/);
      // stage 13 is inside the downtime: rolled back
      expect(failed!.downtimeEndedAt).not.toBeNull();
      expect(sourceRunning(stack, ct)).toBe(true);
      // the work disk is kept for diagnosis
      expect(existsSync(path.join(stack.dir, 'work', runId, 'disk.raw'))).toBe(true);

      // the customer goes on writing while the container runs again
      const written = writeAfterRollback(ct);
      stack.lab.cloudstack!.faults.clear();
      await enqueue(stack, await retryRun(stack.t.db, runId, actor));
      const [final] = await waitForBatch(stack, batchId, 480_000, ended);
      expect(final!.status, final!.error ?? '').toBe('succeeded');
      expect(sourceRunning(stack, ct)).toBe(false);
      const attempts = await stack.t.prisma.stageRun.findMany({
        where: { runId, stage: 'register_template' },
        orderBy: { attempt: 'asc' },
      });
      expect(attempts.map((a) => a.status)).toEqual(['failed', 'succeeded']);
      // the VM holds what was written after the rollback: a new image, not the one made before
      expect(await onVmVolume(final!.cloudstackVmId!, written.file), await stageLog(runId)).toBe(written.content);
    },
  );

  it(
    'rolls back a failed deploy: the source container runs again within seconds and the downtime is closed',
    { timeout: 600_000 },
    async () => {
      stack.lab.cloudstack!.faults.set({ clear: true, failDeploys: 1 });
      const { batchId, runId, ct } = await migrateOne(stack, spare, 'deploy fails');
      const [run] = await waitForBatch(stack, batchId, 480_000, ended);
      expect(run).toMatchObject({ status: 'failed', failedStage: 'deploy_vm' });
      expect(run!.error).toMatch(/Unable to create a deployment/);
      expect(sourceRunning(stack, ct)).toBe(true);
      const deploy = await stack.t.prisma.stageRun.findFirstOrThrow({ where: { runId, stage: 'deploy_vm' } });
      expect(run!.downtimeEndedAt!.getTime() - deploy.finishedAt!.getTime()).toBeLessThan(15_000);
      expect(run!.downtimeEndedAt!.getTime()).toBeGreaterThan(run!.downtimeStartedAt!.getTime());

      // Retry: the VM that ended in Error is expunged (one VM of that name is left, Running),
      // and the new one gets the container as it is now
      const written = writeAfterRollback(ct);
      await enqueue(stack, await retryRun(stack.t.db, runId, actor));
      const [final] = await waitForBatch(stack, batchId, 480_000, ended);
      expect(final!.status, final!.error ?? '').toBe('succeeded');
      const vms = stack.lab.cloudstack!.simulator.state.vms.filter((v) => v.name === final!.cloudstackVmName);
      expect(vms.map((v) => v.state)).toEqual(['Running']);
      expect(await onVmVolume(final!.cloudstackVmId!, written.file), await stageLog(runId)).toBe(written.content);
    },
  );

  it(
    'a rollback leaves stopped a container its customer had stopped before the migration',
    { timeout: 600_000 },
    async () => {
      stack.lab.cloudstack!.faults.set({ clear: true, failDeploys: 1 });
      // the customer installed a kernel long ago and stopped it (the lab's record of a running container
      // goes, as with vzctl stop): prepare_source installs nothing in a stopped container
      const stopped = spare[0]!;
      installBootPackages(privateDir(stack, stopped), stopped.ostemplate!);
      rmSync(runningMarker(stopped));
      const { batchId, runId, ct } = await migrateOne(stack, spare, 'stopped by its customer');
      const [run] = await waitForBatch(stack, batchId, 480_000, ended);
      expect(run).toMatchObject({ status: 'failed', failedStage: 'deploy_vm', sourceWasRunning: false });
      expect(sourceRunning(stack, ct)).toBe(false);
      const events = await stack.t.prisma.runEvent.findMany({ where: { runId } });
      expect(events.map((e) => e.message)).toContain(
        `container ${ct.sourceCtid} was stopped before the migration: it stays stopped`,
      );
      expect(events.some((e) => /is running again/.test(e.message))).toBe(false);
    },
  );

  it(
    'rolls back a VM whose IPs do not answer: the VM is stopped before the source runs again, so the IPs are not held twice',
    { timeout: 600_000 },
    async () => {
      await savePipelineSettings(stack.t.db, { verifyTimeoutSeconds: 10 });
      stack.lab.cloudstack!.faults.set({ clear: true, silentVms: 1 });
      try {
        const { batchId, ct } = await migrateOne(stack, spare, 'silent VM');
        const [run] = await waitForBatch(stack, batchId, 480_000, ended);
        expect(run).toMatchObject({ status: 'failed', failedStage: 'verify', errorCode: 'verify_timeout' });
        expect(sourceRunning(stack, ct)).toBe(true);
        const vm = stack.lab.cloudstack!.simulator.state.vms.find((v) => v.id === run!.cloudstackVmId);
        expect(vm?.state).toBe('Stopped');
        const events = await stack.t.prisma.runEvent.findMany({ where: { runId: run!.id }, orderBy: { id: 'asc' } });
        const stopped = events.findIndex((e) =>
          /VM .* stopped: the container's IPs are the container's again/.test(e.message),
        );
        const started = events.findIndex((e) => /is running again/.test(e.message));
        expect(stopped).toBeGreaterThan(-1);
        expect(started).toBeGreaterThan(stopped);
      } finally {
        await savePipelineSettings(stack.t.db, { verifyTimeoutSeconds: 300 });
        stack.lab.cloudstack!.faults.clear();
      }
    },
  );

  it(
    'finishes a run whose worker was killed with SIGKILL during initial_sync, with one work disk',
    { timeout: 600_000 },
    async () => {
      stack.lab.cloudstack!.faults.clear();
      // slow enough to be killed mid-copy: the synthetic guest's 64 MiB file at 4 MiB/s
      await savePipelineSettings(stack.t.db, { rsyncBandwidthLimitKbps: 4096 });
      const { batchId, runId } = await migrateOne(stack, spare, 'killed in initial_sync');
      const sync = await whenStage(stack, runId, 'initial_sync', 'running');
      await new Promise((r) => setTimeout(r, 3_000));
      await stack.stopWorker('SIGKILL');
      await stack.startWorker();
      const [run] = await waitForBatch(stack, batchId, 480_000, ended);
      expect(run!.status, run!.error ?? '').toBe('succeeded');
      const after = await stack.t.prisma.stageRun.findUniqueOrThrow({ where: { id: sync.id } });
      expect(after.status).toBe('succeeded');
      expect(
        await stack.t.prisma.runEvent.count({
          where: { stageRunId: sync.id, message: { contains: 'resumed after a worker stopped' } },
        }),
      ).toBe(1);
      // one work dir for the run, no loop device left on it (cleanup released it)
      expect(existsSync(path.join(stack.dir, 'work', runId, 'disk.raw'))).toBe(false);
      expect(await stack.t.prisma.stageRun.count({ where: { runId, stage: 'create_disk' } })).toBe(1);
      expect(loopsOf(runId)).toEqual([]);
    },
  );

  it(
    'finishes a run whose worker was killed with SIGKILL during final_sync; the source is not left stopped meanwhile for good',
    { timeout: 600_000 },
    async () => {
      await savePipelineSettings(stack.t.db, { rsyncBandwidthLimitKbps: 4096 });
      const { batchId, runId, ct } = await migrateOne(stack, spare, 'killed in final_sync');
      await whenStage(stack, runId, 'initial_sync', 'succeeded');
      // the customer wrote 40 MiB since the first copy: the final sync has 10 s of work
      writeFileSync(path.join(privateDir(stack, ct), 'var/lib/lab/new-data.bin'), randomBytes(40 * 1024 * 1024));
      const sync = await whenStage(stack, runId, 'final_sync', 'running');
      await new Promise((r) => setTimeout(r, 2_000));
      await stack.stopWorker('SIGKILL');
      expect(sourceRunning(stack, ct)).toBe(false); // in the downtime: stopped until the run ends one way or the other
      await stack.startWorker();
      const [run] = await waitForBatch(stack, batchId, 480_000, ended);
      expect(run!.status, run!.error ?? '').toBe('succeeded');
      expect((await stack.t.prisma.stageRun.findUniqueOrThrow({ where: { id: sync.id } })).status).toBe('succeeded');
      expect(
        await stack.t.prisma.runEvent.count({
          where: { stageRunId: sync.id, message: { contains: 'resumed after a worker stopped' } },
        }),
      ).toBe(1);
      expect(loopsOf(runId)).toEqual([]);
    },
  );

  it('rebuilds the queue from PostgreSQL after Redis lost its keys mid-run', { timeout: 600_000 }, async () => {
    await savePipelineSettings(stack.t.db, { rsyncBandwidthLimitKbps: 4096 });
    const { batchId, runId } = await migrateOne(stack, spare, 'redis lost');
    await whenStage(stack, runId, 'initial_sync', 'running');
    const redis = createRedis(REDIS_URL, 'producer');
    try {
      // only this install's keys: other tests share the Redis
      const keys = await redis.keys(`${stack.prefix}:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    const [run] = await waitForBatch(stack, batchId, 480_000, ended);
    expect(run!.status, run!.error ?? '').toBe('succeeded');
    const stages = await stack.t.prisma.stageRun.findMany({ where: { runId, status: 'succeeded' } });
    expect(stages).toHaveLength(16);
  });
});
