// Stage 6: the downtime starts. The time is written before the container is
// stopped, so a worker dying during the stop still leaves a run that knows
// its customer is down (and a rollback that starts the container again),
// with whether the container ran: a container its customer had stopped is
// never started by a rollback (its code would run on the hypervisor).
// The run takes its secondary storage download slot first: waiting for one
// is not downtime (register_template would otherwise wait with the
// container stopped).
import { toCtid } from '@vzferry/openvz';
import { type StageContext, type StageReturn, succeeded } from '../stage-contract';
import type { StageDeps } from '../stage-deps';

const SLOT_RECHECK_MS = 15_000;

export async function stopSource(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const startedAt = ctx.run.state.downtimeStartedAt ?? ctx.now();
  // a staged run downloaded its template before the window: nothing to wait for
  if (!ctx.run.state.downtimeStartedAt && ctx.run.state.cutoverPath === 'classic') {
    const { maxConcurrentTemplateDownloads: slots } = await deps.settings();
    if (!(await deps.templates.acquireSlot(ctx.run.runId, slots))) {
      return {
        outcome: {
          kind: 'wait',
          until: new Date(ctx.now().getTime() + SLOT_RECHECK_MS),
          message: `waiting for one of the ${slots} secondary storage download slots before stopping the container`,
        },
      };
    }
  }
  const src = await deps.source(ctx.run);
  const ctid = toCtid(ctx.run.container.sourceCtid);
  if (!ctx.run.state.downtimeStartedAt) {
    const { running } = await src.adapter.status(ctid, { signal: ctx.signal });
    await deps.recordDowntimeStarted(ctx.run.runId, startedAt, running);
  }
  ctx.command(['vzctl', 'stop', String(ctid)], ctx.run.sourceHost.name);
  await src.adapter.stop(ctid, { signal: ctx.signal, timeoutMs: 10 * 60_000 }); // stopping a stopped one is a no-op
  return succeeded(
    { downtimeStartedAt: startedAt },
    { message: `container stopped; downtime started at ${startedAt.toISOString()}` },
  );
}
