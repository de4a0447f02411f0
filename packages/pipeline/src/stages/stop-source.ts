// Stage 6: the downtime starts. The time is written before the container is
// stopped, so a worker dying during the stop still leaves a run that knows
// its customer is down (and a rollback that starts the container again),
// with whether the container ran: a container its customer had stopped is
// never started by a rollback (its code would run on the hypervisor).
import { toCtid } from '@vzferry/openvz';
import { type StageContext, type StageReturn, succeeded } from '../stage-contract';
import type { StageDeps } from '../stage-deps';

export async function stopSource(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const startedAt = ctx.run.state.downtimeStartedAt ?? ctx.now();
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
