// What every fault test asserts once its batch has ended, on the database
// and on the lab hypervisors: nothing lost (a migrated VM holds what its
// container last wrote), no container stopped without a run that took it
// over, no run or stage left hanging, and every failure shown with its code
// and message.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { LabStack } from '../../support/lab-stack';
import { type LabCt, privateDir, sourceRunning, TERMINAL } from '../../support/lab-runs';
import { readFromVolume } from '../../support/volume';

/** Every container of the lab that runs now: what must still run after the fault unless a run migrated it. */
export async function runningContainers(stack: LabStack): Promise<LabCt[]> {
  const all = await stack.t.prisma.container.findMany({ include: { sourceHost: true } });
  return all
    .map((c) => ({ id: c.id, sourceCtid: c.sourceCtid, hostName: c.sourceHost.name }))
    .filter((ct) => sourceRunning(stack, ct));
}

/** The run's stages in order with their messages (what a failed check prints). */
export async function stageLog(stack: LabStack, runId: string): Promise<string> {
  const stages = await stack.t.prisma.stageRun.findMany({ where: { runId }, orderBy: { queuedAt: 'asc' } });
  const events = await stack.t.prisma.runEvent.findMany({ where: { runId }, orderBy: { id: 'asc' } });
  return [
    ...stages.map((s) => `${s.stage}#${s.attempt} ${s.status}: ${s.message ?? s.error ?? ''}`),
    '-- events',
    ...events.map((e) => `${e.at.toISOString()} ${e.message}`),
  ].join('\n');
}

/**
 * The batch after the fault: it ended (completed, or completed with failures
 * each shown); a migrated container's VM runs and holds the container's last
 * write (the lab's churn counter, frozen when the source stopped), its source
 * stays stopped; a failed run has its code and message, its downtime closed
 * and its source running again; every container that ran before the batch
 * and was not migrated runs.
 */
export async function expectBatchSettled(
  stack: LabStack,
  batchId: string,
  runningBefore: LabCt[],
): Promise<Array<{ id: string; status: string; errorCode: string | null; error: string | null }>> {
  const runs = await stack.t.prisma.migrationRun.findMany({ where: { batchId }, include: { container: true } });
  const logs = new Map<string, string>();
  for (const r of runs) logs.set(r.id, await stageLog(stack, r.id));
  for (const r of runs) {
    const log = logs.get(r.id)!;
    expect(TERMINAL, log).toContain(r.status);
    // nothing left hanging in a run that ended
    expect(
      await stack.t.prisma.stageRun.count({ where: { runId: r.id, status: { in: ['running', 'pending'] } } }),
      log,
    ).toBe(0);
    if (r.downtimeStartedAt && r.errorCode !== 'vm_stop_failed') expect(r.downtimeEndedAt, log).not.toBeNull();
    if (r.status === 'failed') {
      expect(r.errorCode, log).toBeTruthy();
      expect(r.error, log).toBeTruthy();
      expect(r.failedStage, log).toBeTruthy();
    }
  }
  // the scheduler's next tick closes the batch
  const batch = await batchEnded(stack, batchId, 30_000);
  expect(batch.status).toBe(runs.every((r) => r.status === 'succeeded') ? 'completed' : 'completed_with_failures');

  for (const r of runs.filter((x) => x.status === 'succeeded')) {
    const ct = runningBefore.find((c) => c.id === r.containerId)!;
    const log = logs.get(r.id)!;
    expect(sourceRunning(stack, ct), log).toBe(false);
    const vm = stack.lab.cloudstack!.simulator.state.vms.find((v) => v.id === r.cloudstackVmId);
    expect(vm?.state, log).toBe('Running');
    // the churn's counter was last written before the source stopped: the VM has that write
    const counter = readFileSync(path.join(privateDir(stack, ct), 'var/lib/lab/counter'), 'utf8');
    const onVm = await readFromVolume(
      stack.lab.cloudstack!.simulator.rootVolumePath(r.cloudstackVmId!),
      ['var/lib/lab/counter'],
      stack.dir,
    );
    expect(onVm['var/lib/lab/counter'], log).toBe(counter);
  }
  // migrated by this batch or an earlier one of the test
  const succeeded = await stack.t.prisma.migrationRun.findMany({ where: { status: 'succeeded' } });
  const migrated = new Set(succeeded.map((r) => r.containerId));
  const stoppedWithoutRun = runningBefore.filter((ct) => !migrated.has(ct.id) && !sourceRunning(stack, ct));
  expect(stoppedWithoutRun, [...logs.values()].join('\n\n')).toEqual([]);
  return runs;
}

async function batchEnded(stack: LabStack, batchId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await stack.t.prisma.batch.findUniqueOrThrow({ where: { id: batchId } });
    if (batch.status !== 'running' || Date.now() > deadline) return batch;
    await new Promise((r) => setTimeout(r, 500));
  }
}
