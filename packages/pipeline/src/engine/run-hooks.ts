// What the engine calls outside the stage order: a failure during the
// downtime starts the source container again at once, and so does a cancel
// during the downtime; either first stops a VM of the run that holds the
// container's IPs (deploy_vm, verify), and a cancel takes the run's image off
// the template server. Either starts only a container that stop_source found
// running: one its customer had stopped stays stopped. A VM that cannot be
// stopped keeps the source stopped: an engineer must act (vm_stop_failed).
// After a rollback the work disk and the VM stay for diagnosis and Retry
// (docs/architecture.md, "Rollback"); a cancel ends the run for good: its
// work disk goes, and a staged run's VM cancelled before its window is
// expunged, so its IPs are free again.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { AppError, errorMessage, type RunSnapshot } from '@vzferry/core';
import { toCtid } from '@vzferry/openvz';
import type { RunHooks } from './engine';
import type { RunLog } from './run-log';
import { type StageDeps, vmName } from '../stage-deps';
import { release, workPaths } from '../work-disk';

export function pipelineHooks(deps: StageDeps): RunHooks {
  const startSource = async (run: RunSnapshot, log: RunLog) => {
    const ctid = toCtid(run.container.sourceCtid);
    if (run.state.sourceWasRunning === false) {
      log.event('info', `container ${ctid} was stopped before the migration: it stays stopped`);
      return;
    }
    const src = await deps.source(run);
    log.command(['vzctl', 'start', String(ctid)], run.sourceHost.name);
    await src.adapter.start(ctid, { timeoutMs: 10 * 60_000 }); // a running container is left running
    log.event('info', `container ${ctid} is running again on ${run.sourceHost.name}`);
  };
  /**
   * A VM that deploy_vm started (or that verify found silent) holds the
   * container's IPs: it stops before the container starts again, or both
   * would answer for them. It is stopped, not expunged: it stays for
   * diagnosis and a Retry finds it. Failing to stop it keeps the container
   * stopped (vm_stop_failed): two machines on one IP is worse than downtime.
   */
  const stopVm = async (run: RunSnapshot, log: RunLog) => {
    try {
      const cs = await deps.cloudstack();
      const vm = await cs.client.findVirtualMachineByName(vmName(run));
      if (!vm || !['Running', 'Starting'].includes(vm.state)) return;
      log.command(['stopVirtualMachine', `id=${vm.id}`, 'forced=true'], 'CloudStack');
      await cs.client.stopVirtualMachine({ id: vm.id, forced: true }, { deadlineMs: 120_000 });
      log.event('info', `VM ${vm.name} stopped: the container's IPs are the container's again`);
    } catch (err) {
      const message = `could not stop VM ${vmName(run)} (${errorMessage(err)}): the source container stays stopped, as both would answer on its IPs; stop the VM by hand, then Retry or Cancel the run`;
      log.event('error', message);
      throw new AppError('vm_stop_failed', message, { cause: err });
    }
  };
  /** A staged run's VM before the window holds the container's IPs in CloudStack: a cancel gives them back. */
  const expungeStagedVm = async (run: RunSnapshot, log: RunLog) => {
    const cs = await deps.cloudstack();
    const vm = await cs.client.findVirtualMachineByName(vmName(run));
    if (!vm) return;
    log.command(['destroyVirtualMachine', `id=${vm.id}`, 'expunge=true'], 'CloudStack');
    await cs.client.destroyVirtualMachine({ id: vm.id, expunge: true }, { deadlineMs: 300_000 });
    log.event('info', `staged VM ${vm.name} expunged: its IPs are free in CloudStack`);
  };
  /**
   * A cancelled run ends for good (no Retry): its work disk goes as cleanup's
   * does, or its loop device, mount and blocks would stay on the box for ever.
   */
  const removeWorkDisk = async (run: RunSnapshot, log: RunLog) => {
    const paths = workPaths(run.box.workDir, run.runId);
    if (!existsSync(paths.dir)) return;
    try {
      await release(deps.local, paths);
      await rm(paths.dir, { recursive: true, force: true });
      log.event('info', `the run's work disk is removed from converter box ${run.box.name}`);
    } catch (err) {
      // the cancel itself is done (VM, source): what is left is the box's, named for its engineer
      log.event('warn', `the run's work disk ${paths.dir} stays on ${run.box.name}: ${errorMessage(err)}`);
    }
  };
  const inDowntime = (run: RunSnapshot) => run.state.downtimeStartedAt !== null && run.state.downtimeEndedAt === null;
  /** the stages in which a VM of the run may answer on the container's IPs */
  const vmMayRun = (run: RunSnapshot, stage: string | null) =>
    run.state.cutoverPath === 'staged' || stage === 'deploy_vm' || stage === 'verify';
  const withdraw = (run: RunSnapshot) => deps.deltaServer?.withdraw(run.runId);
  return {
    async rollback(run, log, failedStage) {
      await withdraw(run);
      if (vmMayRun(run, failedStage)) await stopVm(run, log);
      await startSource(run, log);
    },
    async cancel(run, log, stage) {
      deps.templateServer.unpublishRun(run.runId);
      await withdraw(run);
      if (!inDowntime(run)) {
        if (run.state.cutoverPath === 'staged') await expungeStagedVm(run, log);
      } else {
        // a cancel while the VM may hold the IPs, as in a rollback
        if (vmMayRun(run, stage)) await stopVm(run, log);
        await startSource(run, log);
      }
      await removeWorkDisk(run, log);
    },
  };
}
