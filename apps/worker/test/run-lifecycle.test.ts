// The ends of a run other than success, on the lab with the real worker:
// a cancel gives back the run's secondary storage download slot (a slot held
// by a cancelled run used to block every later register_template for ever),
// a cancel during verify stops the VM before the source container starts
// again, as a rollback does (both would answer on the container's IPs), and
// a rollback that cannot stop the VM leaves the source stopped for an engineer.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelRun, savePipelineSettings } from '@vzferry/db';
import { startLabStack, waitForBatch, type LabStack } from './support/lab-stack';
import {
  ended,
  enqueue,
  migratableContainers,
  migrateOne,
  sourceRunning,
  until,
  whenStage,
  type LabCt,
} from './support/lab-runs';

const actor = { name: 'test' };
let stack: LabStack;
let spare: LabCt[] = [];

beforeAll(async () => {
  stack = await startLabStack('lifecycle', { hosts: 1, containers: 24, debian12: false });
  await savePipelineSettings(stack.t.db, { templateRetryBackoffSeconds: 1, templatePollSeconds: 1 });
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

describe('the ends of a run on the lab', () => {
  it(
    'a run cancelled while its template downloads gives its download slot back: the next run gets it and finishes',
    { timeout: 900_000 },
    async () => {
      await savePipelineSettings(stack.t.db, { maxConcurrentTemplateDownloads: 1 });
      // slow enough that the download is still running when the cancel comes
      stack.lab.cloudstack!.faults.set({ clear: true, slowDownloads: { bytesPerSec: 64 * 1024 } });
      try {
        const first = await migrateOne(stack, spare, 'cancelled while downloading');
        await until('a download in progress', () =>
          stack.t.prisma.templateUpload.findFirst({ where: { runId: first.runId, state: 'downloading' } }),
        );
        await enqueue(stack, await cancelRun(stack.t.db, first.runId, actor));
        const [cancelled] = await waitForBatch(stack, first.batchId, 180_000, ended);
        expect(cancelled!.status).toBe('cancelled');
        expect(sourceRunning(stack, first.ct)).toBe(true);
        // a cancelled run ends for good: its work disk (loop device, mount, blocks) is not left on the box
        const work = path.join(stack.dir, 'work', first.runId);
        expect(existsSync(work)).toBe(false);
        expect(readFileSync('/proc/mounts', 'utf8')).not.toContain(work);

        stack.lab.cloudstack!.faults.clear();
        const second = await migrateOne(stack, spare, 'after the cancelled one');
        const [run] = await waitForBatch(stack, second.batchId, 480_000, ended);
        expect(run!.status, run!.error ?? '').toBe('succeeded');
      } finally {
        stack.lab.cloudstack!.faults.clear();
        await savePipelineSettings(stack.t.db, { maxConcurrentTemplateDownloads: 4 });
      }
    },
  );

  it(
    'a rollback whose VM cannot be stopped leaves the source stopped and fails the run with vm_stop_failed',
    { timeout: 900_000 },
    async () => {
      await savePipelineSettings(stack.t.db, { verifyTimeoutSeconds: 10 });
      // a few: the VM of this run must be silent even if another VM of the lab starts meanwhile
      stack.lab.cloudstack!.faults.set({ clear: true, silentVms: 3 });
      // CloudStack refuses every call of vzferry's account (a disabled user: 401) once the VM runs
      const user = stack.lab.cloudstack!.simulator.state.users[0]!;
      try {
        const { batchId, runId, ct } = await migrateOne(stack, spare, 'VM cannot be stopped');
        await whenStage(stack, runId, 'verify', 'running', 480_000);
        user.enabled = false;
        const [run] = await waitForBatch(stack, batchId, 300_000, ended);
        const events = await stack.t.prisma.runEvent.findMany({ where: { runId }, orderBy: { id: 'asc' } });
        const log = events.map((e) => e.message).join('\n');
        expect(run, log).toMatchObject({ status: 'failed', errorCode: 'vm_stop_failed', downtimeEndedAt: null });
        expect(run!.error).toMatch(/could not stop VM .*stop the VM by hand/);
        // both would answer on the container's IPs: the source stays stopped, the VM runs
        expect(sourceRunning(stack, ct)).toBe(false);
        const vm = stack.lab.cloudstack!.simulator.state.vms.find((v) => v.id === run!.cloudstackVmId);
        expect(vm?.state).toBe('Running');
        expect(log).toMatch(/the source container was NOT started again/);
        expect(log).not.toMatch(/is running again/);
      } finally {
        user.enabled = true;
        stack.lab.cloudstack!.faults.clear();
        await savePipelineSettings(stack.t.db, { verifyTimeoutSeconds: 300 });
      }
    },
  );

  it(
    'a cancel whose VM cannot be stopped fails the run with vm_stop_failed, the source stopped; a Cancel after that finishes',
    { timeout: 900_000 },
    async () => {
      // the VM stays silent, so verify waits for it (a disabled account would fail verify itself,
      // and its rollback would race the cancel)
      stack.lab.cloudstack!.faults.set({ clear: true, silentVms: 3 });
      try {
        const { batchId, runId, ct } = await migrateOne(stack, spare, 'cancel, VM cannot be stopped');
        await whenStage(stack, runId, 'verify', 'running', 480_000);
        const vmId = await until('the VM id on the run', async () => {
          const r = await stack.t.prisma.migrationRun.findUniqueOrThrow({ where: { id: runId } });
          return r.cloudstackVmId;
        });
        // every stop job fails in CloudStack from now on
        stack.lab.cloudstack!.faults.set({ failJobs: { count: 1000, commands: ['stopVirtualMachine'] } });
        await enqueue(stack, await cancelRun(stack.t.db, runId, actor));
        // it used to stay running with its cancel requested for good
        const [run] = await waitForBatch(stack, batchId, 300_000, ended);
        const log = async () =>
          (await stack.t.prisma.runEvent.findMany({ where: { runId }, orderBy: { id: 'asc' } }))
            .map((e) => e.message)
            .join('\n');
        expect(run, await log()).toMatchObject({
          status: 'failed',
          errorCode: 'vm_stop_failed',
          downtimeEndedAt: null,
        });
        expect(sourceRunning(stack, ct)).toBe(false);
        expect(stack.lab.cloudstack!.simulator.state.vms.find((v) => v.id === vmId)?.state).toBe('Running');
        expect(await log()).toMatch(
          /cancel stopped: the VM could not be stopped, so the source container was NOT started again/,
        );

        // the engineer makes CloudStack usable again and cancels: the VM stops, the source runs
        stack.lab.cloudstack!.faults.set({ failJobs: [] });
        await enqueue(stack, await cancelRun(stack.t.db, runId, actor));
        const [after] = await waitForBatch(stack, batchId, 300_000, (runs) =>
          runs.every((r) => r.status === 'cancelled'),
        );
        expect(after!.downtimeEndedAt).not.toBeNull();
        expect(sourceRunning(stack, ct), await log()).toBe(true);
        expect(stack.lab.cloudstack!.simulator.state.vms.find((v) => v.id === vmId)?.state).toBe('Stopped');
      } finally {
        stack.lab.cloudstack!.faults.clear();
      }
    },
  );

  it(
    'a cancel during verify stops the VM before the source runs again, like a rollback, and keeps the VM',
    { timeout: 900_000 },
    async () => {
      stack.lab.cloudstack!.faults.set({ clear: true, silentVms: 1 });
      try {
        const { batchId, runId, ct } = await migrateOne(stack, spare, 'cancelled in verify');
        await whenStage(stack, runId, 'verify', 'running', 480_000);
        const vmId = await until('the VM id on the run', async () => {
          const r = await stack.t.prisma.migrationRun.findUniqueOrThrow({ where: { id: runId } });
          return r.cloudstackVmId;
        });
        await enqueue(stack, await cancelRun(stack.t.db, runId, actor));
        const [run] = await waitForBatch(stack, batchId, 180_000, ended);
        const events = await stack.t.prisma.runEvent.findMany({ where: { runId }, orderBy: { id: 'asc' } });
        const log = events.map((e) => e.message).join('\n');
        expect(run!.status).toBe('cancelled');
        expect(sourceRunning(stack, ct), log).toBe(true);
        // stopped, not expunged: a rollback keeps the VM for diagnosis too
        const vm = stack.lab.cloudstack!.simulator.state.vms.find((v) => v.id === vmId);
        expect(vm?.state).toBe('Stopped');
        const stopped = events.findIndex((e) =>
          /VM .* stopped: the container's IPs are the container's again/.test(e.message),
        );
        const started = events.findIndex((e) => /is running again/.test(e.message));
        expect(stopped).toBeGreaterThan(-1);
        expect(started).toBeGreaterThan(stopped);
      } finally {
        stack.lab.cloudstack!.faults.clear();
      }
    },
  );
});
