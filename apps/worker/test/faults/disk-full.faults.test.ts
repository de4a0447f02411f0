// The converter box's work disk fills during initial_sync, after preflight
// found room: the worker's WORKER_WORK_DIR is a small file system of this
// test's own (a loop-mounted ext4), which the test fills once the copy runs,
// as another run or a forgotten image would. The run fails with a code and
// a message that say the box's disk is full (not a generic failure), the
// source runs on; once space is freed, Retry finishes the run with the
// container's last writes.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryRun, savePipelineSettings } from '@vzferry/db';
import { LocalExecutor, release, workPaths } from '@vzferry/pipeline';
import { startLabStack, waitForBatch, type LabStack } from '../support/lab-stack';
import {
  ended,
  enqueue,
  migratableContainers,
  privateDir,
  sourceRunning,
  startBatchOf,
  whenStage,
  type LabCt,
} from '../support/lab-runs';
import { readFromVolume } from '../support/volume';
import { expectBatchSettled, runningContainers, stageLog } from './support/fault-checks';

const GiB = 1024 ** 3;
let scratch: string;
let workDir: string;
let stack: LabStack;
let spare: LabCt[] = [];

/** A sparse file with ext4, loop-mounted: the box's own work disk, which the test may fill. */
function smallWorkFilesystem(bytes: number): string {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'vzferry-diskfull-'));
  const image = path.join(scratch, 'work.img');
  execFileSync('truncate', ['-s', String(bytes), image]);
  execFileSync('mkfs.ext4', ['-q', '-F', '-m', '0', image]);
  const at = path.join(scratch, 'work');
  mkdirSync(at);
  execFileSync('mount', ['-o', 'loop', image, at]);
  return at;
}

beforeAll(async () => {
  workDir = smallWorkFilesystem(64 * GiB);
  stack = await startLabStack('diskfull', { hosts: 1, containers: 16, debian12: false }, { WORKER_WORK_DIR: workDir });
  // preflight wants the quota and more free (sparse: the disk takes what is written): the smaller quotas fit
  spare = (await migratableContainers(stack)).filter((c) => (c.diskQuotaKb ?? 0n) <= 40n * 1024n * 1024n);
}, 600_000);

afterAll(async () => {
  if (stack)
    console.log(
      stack.workerLog
        .filter((l) => l.startsWith('[test]') || /error|fail|space|full/i.test(l))
        .slice(-40)
        .join('\n'),
    );
  // the runs' disks live on the test's file system: released before it is unmounted (a disk whose
  // writes failed cannot be flushed: unmounted and detached as it is)
  const x = new LocalExecutor();
  for (const runId of workDir && existsSync(workDir) ? readdirSync(workDir) : []) {
    const paths = workPaths(workDir, runId);
    if (!existsSync(paths.image)) continue;
    await release(x, paths).catch(async () => {
      await x.exec(['umount', paths.mount], { allowExitCodes: [0, 32] });
      const loops = await x.exec(['losetup', '--associated', paths.image, '--noheadings', '--output', 'NAME']);
      for (const device of loops.stdout.split('\n').filter(Boolean)) {
        await x.exec(['partx', '--delete', device], { allowExitCodes: [0, 1] });
        await x.exec(['losetup', '--detach', device], { allowExitCodes: [0, 1] });
      }
    });
  }
  await stack?.stop();
  if (workDir) execFileSync('umount', [workDir], { stdio: 'ignore' });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}, 180_000);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Takes all but `leave` bytes of the work file system, as another run's disk would. */
function fill(leave: number): string {
  const filler = path.join(workDir, 'filler.bin');
  const s = statfsSync(workDir);
  const free = s.bavail * s.bsize;
  execFileSync('fallocate', ['-l', String(Math.max(0, free - leave)), filler]);
  return filler;
}

describe("the converter box's work disk full during a sync", () => {
  it(
    'fails the run with box_disk_full and the source running; Retry after space is freed finishes',
    { timeout: 600_000 },
    async () => {
      // slow enough that the disk fills mid-copy: the synthetic guest's 64 MiB file at 4 MiB/s
      await savePipelineSettings(stack.t.db, { rsyncBandwidthLimitKbps: 4096 });
      const before = await runningContainers(stack);
      const { batchId, runs } = await startBatchOf(stack, 'box disk full', spare.splice(0, 1));
      const { runId, ct } = runs[0]!;
      // data that takes room (the synthetic guest's big file is sparse, and so is rsync -S's copy): 12 s of copy
      writeFileSync(path.join(privateDir(stack, ct), 'var/lib/lab/customer-data.bin'), randomBytes(48 * 1024 * 1024));
      await whenStage(stack, runId, 'initial_sync', 'running');
      await new Promise((r) => setTimeout(r, 2_000));
      const filler = fill(4 * 1024 * 1024);
      stack.workerLog.push(`[test] ${new Date().toISOString()} work disk filled`);

      const [failed] = await waitForBatch(stack, batchId, 300_000, ended);
      const log = await stageLog(stack, runId);
      expect(failed, log).toMatchObject({ status: 'failed', failedStage: 'initial_sync', errorCode: 'box_disk_full' });
      expect(failed!.error, log).toContain(workDir);
      expect(failed!.error, log).toMatch(/full/);
      expect(sourceRunning(stack, ct), log).toBe(true);

      rmSync(filler);
      await enqueue(stack, await retryRun(stack.t.db, runId, { name: 'test' }));
      const [run] = await waitForBatch(stack, batchId, 480_000, ended);
      expect(run!.status, await stageLog(stack, runId)).toBe('succeeded');
      await expectBatchSettled(stack, batchId, before);
    },
  );

  it(
    'in final_sync: fails with box_disk_full, rolled back with the source running; Retry copies onto a new work disk and finishes',
    { timeout: 600_000 },
    async () => {
      await savePipelineSettings(stack.t.db, { rsyncBandwidthLimitKbps: 4096 });
      const before = await runningContainers(stack);
      const { batchId, runs } = await startBatchOf(stack, 'box disk full in final_sync', spare.splice(0, 1));
      const { runId, ct } = runs[0]!;
      await whenStage(stack, runId, 'initial_sync', 'succeeded');
      // written since the first copy (text, to be read back from the VM): the final sync has 12 s of work
      const data = randomBytes(24 * 1024 * 1024).toString('hex');
      writeFileSync(path.join(privateDir(stack, ct), 'var/lib/lab/customer-data.txt'), data);
      await whenStage(stack, runId, 'final_sync', 'running');
      await new Promise((r) => setTimeout(r, 1_000));
      const filler = fill(4 * 1024 * 1024);
      stack.workerLog.push(`[test] ${new Date().toISOString()} work disk filled`);

      const [failed] = await waitForBatch(stack, batchId, 300_000, ended);
      const log = await stageLog(stack, runId);
      expect(failed, log).toMatchObject({ status: 'failed', failedStage: 'final_sync', errorCode: 'box_disk_full' });
      expect(failed!.error, log).toContain(workDir);
      // in the downtime: rolled back, the source runs again
      expect(failed!.downtimeEndedAt, log).not.toBeNull();
      expect(sourceRunning(stack, ct), log).toBe(true);

      rmSync(filler);
      await savePipelineSettings(stack.t.db, { rsyncBandwidthLimitKbps: null });
      await enqueue(stack, await retryRun(stack.t.db, runId, { name: 'test' }));
      const [run] = await waitForBatch(stack, batchId, 480_000, ended);
      expect(run!.status, await stageLog(stack, runId)).toBe('succeeded');
      await expectBatchSettled(stack, batchId, before);
      // the customer's data is on the VM: the copy of the new work disk is whole
      const onVm = await readFromVolume(
        stack.lab.cloudstack!.simulator.rootVolumePath(run!.cloudstackVmId!),
        ['var/lib/lab/customer-data.txt'],
        stack.dir,
      );
      expect(sha256(onVm['var/lib/lab/customer-data.txt'] ?? '')).toBe(sha256(data));
    },
  );
});
