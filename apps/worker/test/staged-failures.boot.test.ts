// A staged cutover's failures on the lab, with the real worker: the boot
// ISO that never calls back (its VM dies under QEMU mid-pull) ends in a
// rollback that stops the VM and starts the source, and closes the
// downtime; the Retry reuses the staged VM (no new template) and carries
// what the customer wrote in between. A deploy_vm that fails after the
// VM's first start (its template deletion) is retried without a second
// staging boot (listVolumes: the root volume is Ready). A cancel before the
// window expunges the staged VM, so its IPs are free in CloudStack again.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelRun, retryRun, savePipelineSettings } from '@vzferry/db';
import { waitForBatch, type LabStack } from './support/lab-stack';
import {
  ended,
  enqueue,
  migratableContainers,
  migrateOne,
  privateDir,
  sourceRunning,
  until,
  windowIn12Hours,
  type LabCt,
} from './support/lab-runs';
import { startStagedStack, type StagedStack } from './support/staged-stack';
import { readFromVolume } from './support/volume';

const actor = { name: 'test' };
let staged: StagedStack;
let stack: LabStack;
let pool: LabCt[] = [];

beforeAll(async () => {
  staged = await startStagedStack(
    'stagedfail',
    { hosts: 1, containers: 24, debian12: false },
    {
      legacyCallbackTimeoutMinutes: 1,
    },
  );
  stack = staged.stack;
  pool = await migratableContainers(stack);
}, 900_000);

afterAll(async () => {
  await staged?.stop();
}, 120_000);

const runOf = (runId: string) => stack.t.prisma.migrationRun.findUniqueOrThrow({ where: { id: runId } });
const vmsOf = () => stack.lab.cloudstack!.simulator.state.vms;

describe('a staged cutover that fails, and its Retry', () => {
  it(
    'the call back never comes: VM stopped, source running, downtime closed; the Retry pulls the writes made since',
    { timeout: 1_800_000 },
    async () => {
      const { batchId, runId, ct } = await migrateOne(stack, pool, 'no call back');
      // the VM boots the ISO for the pull: it dies there, before it could call back
      const sim = stack.lab.cloudstack!.simulator;
      const vm = await until(
        'the staged VM booting the ISO in final_sync',
        async () => {
          const r = await runOf(runId);
          if (r.status === 'failed') throw new Error(`the run failed in ${r.failedStage}: ${r.error}`);
          const v = vmsOf().find((x) => x.id === r.cloudstackVmId);
          return r.currentStage === 'final_sync' && v?.state === 'Running' && v.isoid !== null && v;
        },
        1_200_000,
      );
      await sim.powerOff(vm);
      const [failed] = await waitForBatch(stack, batchId, 600_000, ended);
      expect(failed).toMatchObject({ status: 'failed', failedStage: 'final_sync', errorCode: 'boot_iso_timeout' });
      expect(failed!.downtimeEndedAt).not.toBeNull();
      expect(sourceRunning(stack, ct)).toBe(true);
      // it must not answer on the container's IPs
      expect(vmsOf().find((v) => v.id === vm.id)?.state).toBe('Stopped');
      const uploads = await stack.t.prisma.templateUpload.count({ where: { runId } });

      // the Retry's pull must call back: the deadline that made the first attempt fail is not its subject
      await savePipelineSettings(stack.t.db, { legacyCallbackTimeoutMinutes: 5 });
      const written = `written between the rollback and the Retry at ${new Date().toISOString()}\n`;
      writeFileSync(path.join(privateDir(stack, ct), 'root/written-between.txt'), written);
      await enqueue(stack, await retryRun(stack.t.db, runId, actor));
      const [done] = await waitForBatch(stack, batchId, 900_000, (runs) =>
        runs.every((r) => r.status === 'succeeded' || r.status === 'failed'),
      );
      expect(done!.status, done!.error ?? '').toBe('succeeded');
      // from stop_source again, into the same VM: no new template
      const stops = await stack.t.prisma.stageRun.count({ where: { runId, stage: 'stop_source' } });
      expect(stops).toBe(2);
      expect(await stack.t.prisma.templateUpload.count({ where: { runId } })).toBe(uploads);
      expect(done!.cloudstackVmId).toBe(vm.id);
      expect(vmsOf().find((v) => v.id === vm.id)).toMatchObject({ state: 'Running', isoid: null });
      const onDisk = await readFromVolume(sim.rootVolumePath(vm.id), ['root/written-between.txt'], staged.dir);
      expect(onDisk['root/written-between.txt']).toBe(written);
    },
  );

  it(
    'verify fails after a pull that worked: rolled back; the Retry pulls again what was written since',
    { timeout: 1_800_000 },
    async () => {
      await savePipelineSettings(stack.t.db, { verifyTimeoutSeconds: 10 });
      // the VM's addresses never answer: verify fails, after the pull and the start from the disk
      stack.lab.cloudstack!.faults.set({ clear: true, silentVms: 3 });
      try {
        const { batchId, runId, ct } = await migrateOne(stack, pool, 'verify fails after the pull');
        const [failed] = await waitForBatch(stack, batchId, 1_200_000, ended);
        expect(failed).toMatchObject({ status: 'failed', failedStage: 'verify', bootExitStatus: 0 });
        expect(sourceRunning(stack, ct)).toBe(true);
        expect(vmsOf().find((v) => v.id === failed!.cloudstackVmId)?.state).toBe('Stopped');

        stack.lab.cloudstack!.faults.clear();
        await savePipelineSettings(stack.t.db, { verifyTimeoutSeconds: 300 });
        const written = `written after the first pull at ${new Date().toISOString()}\n`;
        writeFileSync(path.join(privateDir(stack, ct), 'root/written-after-pull.txt'), written);
        await enqueue(stack, await retryRun(stack.t.db, runId, actor));
        const [done] = await waitForBatch(stack, batchId, 900_000, (runs) =>
          runs.every((r) => r.status === 'succeeded' || r.status === 'failed'),
        );
        expect(done!.status, done!.error ?? '').toBe('succeeded');
        const onDisk = await readFromVolume(
          stack.lab.cloudstack!.simulator.rootVolumePath(done!.cloudstackVmId!),
          ['root/written-after-pull.txt'],
          staged.dir,
        );
        // it used to start the VM from its disk as the first pull had left it
        expect(onDisk['root/written-after-pull.txt']).toBe(written);
      } finally {
        stack.lab.cloudstack!.faults.clear();
        await savePipelineSettings(stack.t.db, { verifyTimeoutSeconds: 300 });
      }
    },
  );

  it(
    'a deploy_vm retried after its staging boot (its template deletion failed) does not boot the VM again; a cancel before the window expunges the staged VM: no VM left, its IPs free',
    { timeout: 1_500_000 },
    async () => {
      const ct = pool[0]!;
      // a window the run waits for
      await stack.t.prisma.container.update({ where: { id: ct.id }, data: { downtimeWindow: windowIn12Hours() } });
      // every deletion of the template fails: deploy_vm fails after the VM's first start made its root volume
      stack.lab.cloudstack!.faults.set({ clear: true, failJobs: { count: 1000, commands: ['deleteTemplate'] } });
      let batchId: string;
      let runId: string;
      try {
        ({ batchId, runId } = await migrateOne(stack, pool, 'staged, then cancelled'));
        const failed = await until(
          'deploy_vm to fail on the template deletion',
          async () => {
            const r = await runOf(runId);
            return r.status === 'failed' && r;
          },
          1_200_000,
        );
        expect(failed.failedStage).toBe('deploy_vm');
      } finally {
        stack.lab.cloudstack!.faults.clear();
      }
      await enqueue(stack, await retryRun(stack.t.db, runId, actor));
      const waiting = await until(
        'the staged VM waiting for its window',
        async () => {
          const r = await runOf(runId);
          if (r.status === 'failed') throw new Error(`the run failed again in ${r.failedStage}: ${r.error}`);
          return r.status === 'waiting' && r.currentStage === 'await_cutover' && r;
        },
        600_000,
      );
      const log = (await stack.t.prisma.runEvent.findMany({ where: { runId }, orderBy: { id: 'asc' } })).map(
        (e) => e.message,
      );
      // one staging boot: each attempt after it saw the root volume Ready (it used to boot the ISO again,
      // which without the staging marker pulls and brings the network up on the customer's IPs)
      expect(log.filter((m) => /started once: CloudStack created its root volume/.test(m))).toHaveLength(1);
      expect(log.some((m) => /root volume exists already: no second staging boot/.test(m))).toBe(true);
      expect(
        (await stack.t.prisma.templateUpload.findMany({ where: { runId } })).every((u) => u.state === 'deleted'),
      ).toBe(true);
      const vmId = waiting.cloudstackVmId!;
      const stagedVm = vmsOf().find((v) => v.id === vmId)!;
      expect(stagedVm).toMatchObject({ state: 'Stopped', isoid: null });
      const ips = stagedVm.nics.map((n) => n.ipaddress);
      expect(ips.length).toBeGreaterThan(0);

      // the cancel before the window
      await enqueue(stack, await cancelRun(stack.t.db, runId, actor));
      const [run] = await waitForBatch(stack, batchId, 300_000, ended);
      expect(run).toMatchObject({ status: 'cancelled', downtimeStartedAt: null });
      expect(sourceRunning(stack, ct)).toBe(true);
      expect(vmsOf().find((v) => v.id === vmId)).toBeUndefined();
      const held = vmsOf().flatMap((v) =>
        v.nics.flatMap((n) => [n.ipaddress, ...n.secondaryips.map((s) => s.ipaddress)]),
      );
      expect(held.filter((ip) => ips.includes(ip))).toEqual([]);
    },
  );
});
