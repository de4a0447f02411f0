// The SSH connection to a hypervisor cut mid-rsync, in initial_sync (the
// container runs) and in final_sync (inside the downtime). The worker reaches
// the lab hypervisor's sshd through a TCP relay of the test, as across a
// network; cutting it breaks every open connection to that host (rsync's
// OpenSSH and the box's ssh2 session) while new ones get through. The run
// tries the stage again and finishes; every container migrated holds its
// last writes, none stopped without its run.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savePipelineSettings } from '@vzferry/db';
import { startLabStack, waitForBatch, type LabStack } from '../support/lab-stack';
import {
  ended,
  migratableContainers,
  privateDir,
  sourceRunning,
  startBatchOf,
  whenStage,
  type LabCt,
} from '../support/lab-runs';
import { expectBatchSettled, runningContainers, stageLog } from './support/fault-checks';
import { startTcpRelay, type TcpRelay } from './support/services';

let relay: TcpRelay;
let stack: LabStack;
let spare: LabCt[] = [];

beforeAll(async () => {
  stack = await startLabStack('sshcut', { hosts: 1, containers: 12, debian12: false });
  const hv = stack.lab.manifest.hypervisors[0]!;
  relay = await startTcpRelay(hv.port);
  // the host's address as the box knows it: the relay's port (the host key is the same)
  await stack.t.prisma.sourceHost.update({ where: { name: hv.name }, data: { port: relay.port } });
  spare = await migratableContainers(stack);
}, 600_000);

afterAll(async () => {
  if (stack)
    console.log(
      stack.workerLog
        .filter((l) => l.startsWith('[test]') || /error|fail|ssh/i.test(l))
        .slice(-40)
        .join('\n'),
    );
  await stack?.stop();
  await relay?.close();
}, 120_000);

/** the stage's attempts, oldest first: status and error code */
async function attempts(runId: string, stage: string) {
  const rows = await stack.t.prisma.stageRun.findMany({
    where: { runId, stage: stage as never },
    orderBy: { attempt: 'asc' },
  });
  return rows.map((r) => ({ status: r.status, errorCode: r.errorCode, error: r.error }));
}

describe('the SSH connection to a hypervisor cut mid-rsync', () => {
  it('initial_sync: rsync is tried again and the run finishes', { timeout: 600_000 }, async () => {
    // slow enough to be cut mid-copy: the synthetic guest's 64 MiB file at 4 MiB/s
    await savePipelineSettings(stack.t.db, { rsyncBandwidthLimitKbps: 4096 });
    const before = await runningContainers(stack);
    const { batchId, runs } = await startBatchOf(stack, 'ssh cut in initial_sync', spare.splice(0, 1));
    const { runId } = runs[0]!;
    await whenStage(stack, runId, 'initial_sync', 'running');
    await new Promise((r) => setTimeout(r, 3_000));
    expect(relay.open()).toBeGreaterThan(0);
    await relay.cut();
    stack.workerLog.push(`[test] ${new Date().toISOString()} SSH cut`);
    const [run] = await waitForBatch(stack, batchId, 480_000, ended);
    const log = await stageLog(stack, runId);
    expect(run!.status, log).toBe('succeeded');
    const tries = await attempts(runId, 'initial_sync');
    // the cut attempt failed with a code that says why, and was tried again
    expect(tries.length, log).toBeGreaterThanOrEqual(2);
    expect(tries[0]!.status, log).toBe('failed');
    expect(['rsync_interrupted', 'network_error'], log).toContain(tries[0]!.errorCode);
    expect(tries.at(-1)!.status, log).toBe('succeeded');
    await expectBatchSettled(stack, batchId, before);
  });

  it(
    'final_sync: rsync is tried again inside the downtime; the run finishes or rolls back with the source running',
    { timeout: 600_000 },
    async () => {
      await savePipelineSettings(stack.t.db, { rsyncBandwidthLimitKbps: 4096 });
      const before = await runningContainers(stack);
      const { batchId, runs } = await startBatchOf(stack, 'ssh cut in final_sync', spare.splice(0, 1));
      const { runId, ct } = runs[0]!;
      await whenStage(stack, runId, 'initial_sync', 'succeeded');
      // the customer wrote 40 MiB since the first copy: the final sync has 10 s of work
      writeFileSync(path.join(privateDir(stack, ct), 'var/lib/lab/new-data.bin'), randomBytes(40 * 1024 * 1024));
      await whenStage(stack, runId, 'final_sync', 'running');
      await new Promise((r) => setTimeout(r, 2_000));
      expect(sourceRunning(stack, ct)).toBe(false);
      await relay.cut();
      stack.workerLog.push(`[test] ${new Date().toISOString()} SSH cut`);
      const [run] = await waitForBatch(stack, batchId, 480_000, ended);
      const log = await stageLog(stack, runId);
      const tries = await attempts(runId, 'final_sync');
      expect(tries[0]!.status, log).toBe('failed');
      expect(['rsync_interrupted', 'network_error'], log).toContain(tries[0]!.errorCode);
      if (run!.status === 'succeeded') {
        expect(tries.at(-1)!.status, log).toBe('succeeded');
        // the VM holds what was written in the downtime's last copy
        const onVm = stack.lab.cloudstack!.simulator.state.vms.find((v) => v.id === run!.cloudstackVmId);
        expect(onVm?.state, log).toBe('Running');
      } else {
        expect(run, log).toMatchObject({ status: 'failed', failedStage: 'final_sync' });
        expect(sourceRunning(stack, ct), log).toBe(true);
      }
      await expectBatchSettled(stack, batchId, before);
    },
  );
});
