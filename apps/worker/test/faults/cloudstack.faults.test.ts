// CloudStack misbehaving under the real worker, on the lab (its API faults:
// apps/lab/src/cloudstack/faults.ts, with how the real management server
// answers each): 5xx answers (530 in CloudStack's envelope, a proxy's 503),
// a registerTemplate that hangs past the client's time-out, async jobs that
// fail (deploy, delete), and a management-server restart that cancels the
// deploy job in flight. Each test ends with the final database state and the
// source containers on the lab hypervisors: nothing lost, no container
// stopped without a run that still owns it or that migrated it, no run
// stuck, every failure shown on its run; a rollback in deploy_vm or verify
// leaves the source running and no VM answering on its IPs.
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
  whenStage,
  type SpareCt,
} from '../support/lab-runs';

let stack: LabStack;
let spare: SpareCt[] = [];

beforeAll(async () => {
  stack = await startLabStack('cs-faults', { hosts: 1, containers: 24, debian12: false });
  await savePipelineSettings(stack.t.db, {
    templateRetryAttempts: 3,
    templateRetryBackoffSeconds: 1,
    templatePollSeconds: 1,
    verifyTimeoutSeconds: 20,
  });
  // the smallest first: the box's free disk must hold the quota and a margin
  spare = smallestFirst(await migratableContainers(stack));
}, 600_000);

afterAll(async () => {
  if (stack)
    console.log(
      stack.workerLog
        .filter((l) => l.startsWith('[test]') || /error|fail|warn/i.test(l))
        .slice(-60)
        .join('\n'),
    );
  await stack?.stop();
}, 120_000);

/** One container's batch, started, with the name its VM gets (what the faults match). */
async function migrate(name: string) {
  const { batchId, runId, ct } = await migrateOne(stack, spare, name);
  // one of `spare`'s: it has its IPs
  return { batchId, runId, ct: ct as SpareCt, vm: `vz${ct.sourceCtid}-${runId.slice(0, 8)}` };
}

const lab = () => stack.lab.cloudstack!;

async function events(runId: string): Promise<string> {
  const rows = await stack.t.prisma.runEvent.findMany({ where: { runId }, orderBy: { id: 'asc' } });
  return rows.map((e) => `${e.level} ${e.message}`).join('\n');
}

/**
 * What every test ends with: the run ended with its problem on it, its
 * download slot given back, nothing of it left in secondary storage when it
 * succeeded; its source container stopped only if the VM took over, and then
 * the only one answering on its IPs; after a failure the source runs and no
 * VM of the run answers.
 */
async function expectSettled(r: { runId: string; batchId: string; ct: SpareCt; vm: string }) {
  const run = await stack.t.prisma.migrationRun.findUniqueOrThrow({ where: { id: r.runId } });
  const log = await events(r.runId);
  expect(['succeeded', 'failed'], log).toContain(run.status);
  expect(await stack.t.prisma.templateDownloadSlot.count({ where: { runId: r.runId } })).toBe(0);
  // the batch ends at the scheduler's next tick after its last run
  const batchEnd = run.status === 'succeeded' ? 'completed' : 'completed_with_failures';
  await until(
    `batch ${batchEnd}`,
    async () => {
      const batch = await stack.t.prisma.batch.findUniqueOrThrow({ where: { id: r.batchId } });
      return batch.status === batchEnd;
    },
    60_000,
  );
  const vms = lab().simulator.state.vms.filter((v) => v.name === r.vm);
  if (run.status === 'succeeded') {
    expect(sourceRunning(stack, r.ct), log).toBe(false);
    expect(vms.map((v) => v.state)).toEqual(['Running']);
    const left = lab().simulator.state.templates.filter((t) => t.name.startsWith(r.vm) && t.removed === null);
    expect(
      left.map((t) => t.name),
      log,
    ).toEqual([]);
  } else {
    expect(run.error, log).toBeTruthy();
    expect(run.errorCode).toBeTruthy();
    expect(run.failedStage).toBeTruthy();
    expect(run.downtimeEndedAt).not.toBeNull();
    expect(sourceRunning(stack, r.ct), log).toBe(true);
    expect(vms.filter((v) => v.state === 'Running' || v.state === 'Starting')).toEqual([]);
    // no VM of the lab answers on the container's IPs (the lab's own record of the addresses it makes answer: a
    // ping could reach another test's lab, whose VMs may use the same addresses)
    const vmIps = new Set(lab().simulator.runningVmIps());
    for (const ip of r.ct.ips) expect(vmIps.has(ip), `a VM answers on ${ip} after the rollback`).toBe(false);
  }
  return { run, log };
}

describe('CloudStack faults under the real worker', () => {
  it(
    'three runs at once: one through 5xx answers, a hung registerTemplate and a failed delete job finishes; a failed deploy job and a verify that CloudStack does not answer roll back',
    { timeout: 900_000 },
    async () => {
      const flaky = await migrate('cloudstack flaky');
      const deployFails = await migrate('deploy job fails');
      const verifyBlind = await migrate('verify without answers');
      lab().faults.set({
        clear: true,
        apiErrors: [
          // register_template's lookup by name: CloudStack's own 530, then a proxy's 503 (retried reads)
          { count: 1, status: 530, commands: ['listTemplates'], match: flaky.vm, param: 'name' },
          { count: 1, status: 503, commands: ['listTemplates'], match: flaky.vm, param: 'name' },
          // its polls of the download (id=...): more 530s than a read's four tries, as while the server restarts
          { count: 6, status: 530, commands: ['listTemplates'], match: flaky.vm, param: 'id' },
          // verify's polls of one run's VM (id=..., not the lookups by name): 530 until well past its time-out
          { count: 1000, status: 530, commands: ['listVirtualMachines'], match: verifyBlind.vm, param: 'id' },
        ],
        // held past the client's 30 s: the worker gives up, the lab registers it afterwards all the same
        apiHangs: [{ count: 1, ms: 33_000, commands: ['registerTemplate'], match: flaky.vm }],
        failJobs: [
          { count: 1, commands: ['deleteTemplate'], match: flaky.vm },
          { count: 1, commands: ['deployVirtualMachine'], match: deployFails.vm },
        ],
      });
      for (const r of [flaky, deployFails, verifyBlind]) await waitForBatch(stack, r.batchId, 600_000, ended);
      lab().faults.clear();

      const a = await expectSettled(flaky);
      expect(a.run.status, a.log).toBe('succeeded');
      // the hung registration counted as a failed one; the template it made anyway is deleted by cleanup
      expect(a.log).toMatch(/CloudStack did not take the registration: CloudStack registerTemplate: no answer/);
      expect(a.log).toMatch(/registered without an answer/);
      expect(a.log).toMatch(/listTemplates failed \(530\).*; asking again/);
      expect(a.log).toMatch(/deleting template .* failed \(try 1\)/);
      const uploads = await stack.t.prisma.templateUpload.findMany({
        where: { runId: flaky.runId },
        orderBy: { attempt: 'asc' },
      });
      expect(uploads.map((u) => u.state)).toEqual(['failed', 'deleted']);

      const b = await expectSettled(deployFails);
      expect(b.run).toMatchObject({ status: 'failed', failedStage: 'deploy_vm', errorCode: 'cloudstack_error' });
      expect(b.run.error).toMatch(/deployVirtualMachine job .* failed \(530\): Internal error executing command/);

      const c = await expectSettled(verifyBlind);
      expect(c.run).toMatchObject({ status: 'failed', failedStage: 'verify', errorCode: 'cloudstack_error' });
      expect(c.run.error).toMatch(/listVirtualMachines failed \(530\)/);
      // verify asked again until its time-out instead of failing at the first answer
      expect(c.log).toMatch(/asking again until the verify time-out/);
      const verify = await stack.t.prisma.stageRun.findFirstOrThrow({
        where: { runId: verifyBlind.runId, stage: 'verify' },
      });
      expect(verify.finishedAt!.getTime() - verify.startedAt!.getTime()).toBeGreaterThanOrEqual(19_000);
      expect(c.log).toMatch(/VM .* stopped: the container's IPs are the container's again/);
    },
  );

  it(
    'a management-server restart cancels the deploy job in flight: the run rolls back, its VM is stopped, the source runs',
    { timeout: 900_000 },
    async () => {
      const r = await migrate('restart during deploy');
      lab().faults.set({ clear: true, holdJobs: [{ count: 1, commands: ['deployVirtualMachine'], match: r.vm }] });
      await whenStage(stack, r.runId, 'deploy_vm', 'running', 400_000);
      // the job did its work (the VM runs and answers) but the server dies before it records its end
      const deadline = Date.now() + 120_000;
      const inFlight = () =>
        lab().simulator.state.jobs.some((j) => j.status === 0 && /DeployVMCmd/.test(j.cmd)) &&
        lab().simulator.state.vms.some((v) => v.name === r.vm && v.state === 'Running');
      while (!inFlight()) {
        if (Date.now() > deadline) throw new Error('no deploy job in flight');
        await new Promise((res) => setTimeout(res, 100));
      }
      await lab().restart();
      await waitForBatch(stack, r.batchId, 300_000, ended);
      const { run, log } = await expectSettled(r);
      expect(run).toMatchObject({ status: 'failed', failedStage: 'deploy_vm', errorCode: 'cloudstack_error' });
      expect(run.error).toMatch(/failed \(530\): the job failed without a result.*management server restart/);
      // the VM the cancelled job started: the rollback stopped it before starting the source
      expect(log).toMatch(/VM .* stopped: the container's IPs are the container's again/);
      expect(lab().simulator.state.vms.find((v) => v.name === r.vm)?.state).toBe('Stopped');
    },
  );
});
