// What the engine calls outside the stage order: a failure during the
// downtime starts the source container again at once (a VM that already runs
// with its IPs is stopped first); a cancelled run
// starts it too if it was stopped, and takes its image off the template
// server. Either starts only a container that stop_source found running: one
// its customer had stopped stays stopped. The work disk stays for diagnosis (docs/architecture.md, "Rollback").
import { errorMessage, type RunSnapshot } from '@vzferry/core';
import { toCtid } from '@vzferry/openvz';
import type { RunHooks } from './engine';
import type { RunLog } from './run-log';
import { type StageDeps, vmName } from '../stage-deps';

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
   * would answer for them. Failing to stop it must not keep the container
   * down: the error is logged and the container starts anyway.
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
      log.event(
        'error',
        `could not stop VM ${vmName(run)} (${errorMessage(err)}): stop it by hand, it holds the container's IPs`,
      );
    }
  };
  return {
    async rollback(run, log, failedStage) {
      if (failedStage === 'deploy_vm' || failedStage === 'verify') await stopVm(run, log);
      await startSource(run, log);
    },
    async cancel(run, log) {
      deps.templateServer.unpublishRun(run.runId);
      if (run.state.downtimeStartedAt && !run.state.downtimeEndedAt) await startSource(run, log);
    },
  };
}
