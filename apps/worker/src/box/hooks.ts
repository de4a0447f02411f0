// What the engine calls outside the stage order: a failure during the
// downtime starts the source container again at once; a cancelled run
// starts it too if it was stopped, and takes its image off the template
// server. The work disk stays for diagnosis (DESIGN.md: rollback keeps it).
import { toCtid } from '@vzferry/openvz';
import type { RunSnapshot } from '@vzferry/pipeline';
import type { RunHooks } from '../pipeline/engine';
import type { RunLog } from '../pipeline/run-log';
import type { StageDeps } from '../stages/deps';

export function pipelineHooks(deps: StageDeps): RunHooks {
  const startSource = async (run: RunSnapshot, log: RunLog) => {
    const ctid = toCtid(run.container.sourceCtid);
    const src = await deps.source(run);
    log.command(['vzctl', 'start', String(ctid)], run.sourceHost.name);
    await src.adapter.start(ctid, { timeoutMs: 10 * 60_000 }); // a running container is left running
    log.event('info', `container ${ctid} is running again on ${run.sourceHost.name}`);
  };
  return {
    rollback: startSource,
    async cancel(run, log) {
      deps.templateServer.unpublishRun(run.runId);
      if (run.state.downtimeStartedAt && !run.state.downtimeEndedAt) await startSource(run, log);
    },
  };
}
