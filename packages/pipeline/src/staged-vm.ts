// The staged cutover on the VM's side
// (docs/architecture.md, "Staged cutover"). Before the window: the image carries what the boot ISO looks
// for (writeStagingFiles, make_bootable), and deploy_vm deploys the VM
// stopped, starts it once with the ISO so that CloudStack creates its root
// volume (a VM deployed stopped has none until its first start), then
// deletes the template (stageVm). In the downtime, final_sync brings the
// box's copy up to date and the VM pulls it (cutoverVm): the ISO boots,
// pulls the changes from the box's delta server, calls back and powers off;
// then the VM starts from its own disk.
//
// Every step looks at what CloudStack and the database say first, so a
// resumed or retried attempt carries on where the last one stopped.
import type { JobWaitOptions as JobWait, VirtualMachine } from '@vzferry/cloudstack';
import { AppError } from '@vzferry/core';
import { BOOT_JOB_DIR, guestRoot } from '@vzferry/guest';
import { deleteRunTemplates } from './stages/cleanup';
import { bootIso, lastLines, waitForCallback, waitForPowerOff, writeBootCallback } from './legacy-boot';
import type { StageContext } from './stage-contract';
import { type CloudStackSession, type DeltaServing, type StageDeps, vmName } from './stage-deps';

/** the boot ISO finds the guest by this file; the box makes the boot files, so the VM has nothing to do */
const JOB = `#!/bin/sh
# vzferry staged cutover: the converter box brought the boot files up to date before the pull
exit 0
`;
const PULL_FILE = `${BOOT_JOB_DIR}/pull`;
/** consumed by the staged VM's first start: that boot only creates the root volume (init.sh) */
const STAGING_MARKER = `${BOOT_JOB_DIR}/staging`;

export function deltaServerOf(ctx: StageContext, deps: StageDeps): DeltaServing {
  if (!deps.deltaServer)
    throw new AppError(
      'delta_server_missing',
      `converter box ${ctx.run.box.name} runs no delta server (DELTA_SERVER_PORT): this staged run cannot cut over here`,
    );
  return deps.deltaServer;
}

/** make_bootable of a staged run: job, pull credential and staging marker, in the copy the image is made from. */
export function writeStagingFiles(ctx: StageContext, deps: StageDeps, mount: string): void {
  const { url, password } = deltaServerOf(ctx, deps).credentials(ctx.run.runId);
  // resolved inside the guest: the container may have made any of these a link
  const g = guestRoot(mount);
  g.mkdir(BOOT_JOB_DIR, 0o700);
  g.write(`${BOOT_JOB_DIR}/job.sh`, JOB, 0o700);
  g.write(PULL_FILE, `url=${url}\npassword=${password}\n`, 0o600);
  g.write(STAGING_MARKER, '', 0o600);
}

/** CloudStack made the VM's root volume (Ready; Allocated until the VM's first start). */
async function rootVolumeReady(cs: CloudStackSession, vm: VirtualMachine): Promise<boolean> {
  const [root] = await cs.client.listVolumes({ virtualMachineId: vm.id, type: 'ROOT' });
  return root?.state === 'Ready';
}

/**
 * deploy_vm of a staged run, after the VM is deployed stopped: its first
 * start with the boot ISO (no network: the container still runs on its IPs)
 * makes CloudStack create its root volume; then the template goes.
 */
export async function stageVm(
  ctx: StageContext,
  deps: StageDeps,
  cs: CloudStackSession,
  vm: VirtualMachine,
  jobWait: JobWait,
): Promise<VirtualMachine> {
  const templatesLeft = (await deps.templates.list(ctx.run.runId)).some(
    (u) => u.cloudstackTemplateId && u.state !== 'deleted',
  );
  // the template is deleted only after the first start: none left means the VM was staged
  if (templatesLeft) {
    // a root volume that exists already (a first start whose template deletion failed, or whose worker was
    // lost after it) is not started again: that boot would find no staging marker and pull, bringing the
    // network up on the IPs the container still runs on
    if (vm.state === 'Stopped' && (await rootVolumeReady(cs, vm))) {
      ctx.log('info', `${vm.name}'s root volume exists already: no second staging boot`);
    } else {
      if (vm.state === 'Stopped' || ctx.resumed) vm = await bootIso(ctx, deps, cs, vm, jobWait);
      // it powers off by itself within seconds (init.sh); one that does not is stopped
      vm = await waitForPowerOff(ctx, cs, vm, jobWait, 'its staging boot');
      ctx.log('info', `${vm.name} started once: CloudStack created its root volume`);
    }
  }
  if (vm.isoid) vm = await cs.client.detachIso({ virtualMachineId: vm.id }, jobWait);
  await deleteRunTemplates(ctx, deps, cs);
  return vm;
}

/**
 * final_sync of a staged run, once the copy is up to date: the copy is
 * served, the VM boots the ISO, pulls it and calls back; then it starts
 * from its own disk. The run's module is withdrawn whatever happens.
 */
export async function cutoverVm(ctx: StageContext, deps: StageDeps, mount: string): Promise<VirtualMachine> {
  const delta = deltaServerOf(ctx, deps);
  const cs = await deps.cloudstack();
  const settings = await deps.settings();
  const jobWait: JobWait = { deadlineMs: settings.deployTimeoutSeconds * 1000, signal: ctx.signal };
  let vm = await cs.client.findVirtualMachineByName(vmName(ctx.run));
  if (!vm)
    throw new AppError('vm_missing', `the staged VM ${vmName(ctx.run)} is not in CloudStack: Cancel and migrate again`);
  // Only a resumed attempt carries on with what its killed worker began: a
  // new one (a Retry after a rollback) pulls again, whatever an earlier pull did.
  const pulled = ctx.resumed && (await deps.bootCallbacks.read(ctx.run.runId))?.exitStatus === 0;
  if (pulled && vm.state === 'Running' && !vm.isoid) return vm;
  const pulling = ctx.resumed && !pulled && vm.state === 'Running' && Boolean(vm.isoid);
  // a fresh token forgets every earlier call back
  if (!pulled && !pulling) await writeCutoverFiles(ctx, deps, mount);
  await delta.serve(ctx.run.runId, mount);
  try {
    if (!pulled) {
      vm = await bootIso(ctx, deps, cs, vm, jobWait);
      const callback = await waitForCallback(ctx, deps, vm);
      ctx.log('info', `${vm.name} pulled the changes:\n${lastLines(callback.log, 15)}`);
    }
    vm = await waitForPowerOff(ctx, cs, vm, jobWait);
  } finally {
    await delta.withdraw(ctx.run.runId);
  }
  if (vm.isoid) vm = await cs.client.detachIso({ virtualMachineId: vm.id }, jobWait);
  ctx.log('info', `starting ${vm.name} from its own disk`);
  return cs.client.startVirtualMachine({ id: vm.id }, jobWait);
}

/** The job again (the final sync deleted what the container lacks), a fresh call-back token, no staging marker. */
async function writeCutoverFiles(ctx: StageContext, deps: StageDeps, mount: string): Promise<void> {
  const g = guestRoot(mount);
  g.mkdir(BOOT_JOB_DIR, 0o700);
  g.write(`${BOOT_JOB_DIR}/job.sh`, JOB, 0o700);
  g.remove(STAGING_MARKER);
  await writeBootCallback(ctx, deps, mount, `${BOOT_JOB_DIR}/callback`);
}
