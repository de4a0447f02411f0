// The converter box's template server (it lives in the worker process:
// apps/worker/src/template-server) going away while CloudStack's secondary
// storage downloads a run's image, on the lab with the real worker: a
// SIGTERM lets the running stage finish and the server keeps serving
// meanwhile; when the stop takes too long and the worker is killed (as
// systemd does after its stop time-out), the download breaks off, and the
// restarted worker registers the template again and finishes the run. The
// final database state and the source container on its hypervisor: run
// succeeded, the first registration recorded as failed, no download slot
// left, nothing of the run in secondary storage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savePipelineSettings } from '@vzferry/db';
import { startLabStack, waitForBatch, type LabStack } from '../support/lab-stack';
import {
  ended,
  migratableContainers,
  migrateOne,
  smallestFirst,
  sourceRunning,
  until,
  type LabCt,
} from '../support/lab-runs';

let stack: LabStack;
let spare: LabCt[] = [];

beforeAll(async () => {
  stack = await startLabStack('ts-faults', { hosts: 1, containers: 24, debian12: false });
  await savePipelineSettings(stack.t.db, {
    templateRetryAttempts: 3,
    templateRetryBackoffSeconds: 1,
    templatePollSeconds: 1,
    maxConcurrentTemplateDownloads: 1,
  });
  // the smallest first: the box's free disk must hold the quota and a margin
  spare = smallestFirst(await migratableContainers(stack));
}, 600_000);

afterAll(async () => {
  if (stack)
    console.log(
      stack.workerLog
        .filter((l) => l.startsWith('[test]') || /error|fail|warn|template|SIG/i.test(l))
        .slice(-60)
        .join('\n'),
    );
  await stack?.stop();
}, 120_000);

const lab = () => stack.lab.cloudstack!;

/** The bytes the lab's secondary storage has of a template (its image store's copy). */
function downloaded(name: string): number {
  const t = lab().simulator.state.templates.find((x) => x.name === name);
  return Math.max(0, ...(t?.storeRefs ?? []).map((r) => r.downloadedBytes ?? 0));
}

describe("the template server restarted during CloudStack's download", () => {
  it(
    'SIGTERM keeps serving the download; killed after all, the worker registers again on its restart and the run finishes',
    { timeout: 900_000 },
    async () => {
      // slow enough that the download is still running through the stop
      lab().faults.set({ clear: true, slowDownloads: { bytesPerSec: 256 * 1024 } });
      const { batchId, runId, ct } = await migrateOne(stack, spare, 'template server restarted');
      const first = await until(
        'a download in progress',
        async () => {
          const u = await stack.t.prisma.templateUpload.findFirst({ where: { runId, state: 'downloading' } });
          return u && downloaded(u.name) > 0 ? u : null;
        },
        400_000,
      );

      // a graceful stop waits for the running stage: the template server goes on serving meanwhile
      const worker = stack.worker()!;
      const exited = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGTERM');
      const before = downloaded(first.name);
      await until('the download to go on during the stop', async () => downloaded(first.name) > before, 30_000);
      expect(worker.exitCode).toBeNull();

      // the stop takes too long: killed, as systemd does after TimeoutStopSec; the download breaks off
      await stack.stopWorker('SIGKILL');
      await exited;
      lab().faults.clear();
      await stack.startWorker();

      const [run] = await waitForBatch(stack, batchId, 600_000, ended);
      const events = await stack.t.prisma.runEvent.findMany({ where: { runId }, orderBy: { id: 'asc' } });
      const log = events.map((e) => e.message).join('\n');
      expect(run!.status, `${run!.error}\n${log}`).toBe('succeeded');
      expect(sourceRunning(stack, ct)).toBe(false);
      const uploads = await stack.t.prisma.templateUpload.findMany({ where: { runId }, orderBy: { attempt: 'asc' } });
      // the broken download is the secondary storage's failure, kept on its row; the second one made the VM
      expect(uploads.length, log).toBe(2);
      expect(uploads[0]!.error, log).toMatch(/Connection refused|Connection reset|incomplete/);
      expect(uploads.map((u) => u.state)).toEqual(['deleted', 'deleted']);
      expect(log).toMatch(/resumed after a worker stopped/);
      // no download slot left behind, nothing of the run in secondary storage
      expect(await stack.t.prisma.templateDownloadSlot.count()).toBe(0);
      const left = lab().simulator.state.templates.filter((t) => t.name.startsWith(first.name.replace(/-t1$/, '')));
      expect(left.filter((t) => t.removed === null).map((t) => t.name)).toEqual([]);
      const vms = lab().simulator.state.vms.filter((v) => v.name === run!.cloudstackVmName);
      expect(vms.map((v) => v.state)).toEqual(['Running']);
    },
  );
});
