// Stage 5: wait for the customer's downtime window (or go at once without
// one), and start the cutover only if its projection fits before the window
// closes. Waiting does not hold a worker: the stage returns "wait" and the
// engine comes back at the given time. While it waits, a catch-up sync every
// interval (Settings) keeps the box's copy close to the running container,
// and its measured time projects the cutover's downtime (shown on the run
// page before the cutover starts).
import {
  cutoverFits,
  estimateCutoverMs,
  nextWindow,
  parseDowntimeWindow,
  type PipelineSettings,
  STAGED_FIXED_SECONDS,
} from '@vzferry/core';
import { parseOsTemplate, usesLegacyGrub } from '@vzferry/guest';
import { rsyncPass, type SyncResult } from '../rsync-pass';
import { type StageContext, type StageReturn, succeeded } from '../stage-contract';
import type { CatchUpSyncRecord, StageDeps } from '../stage-deps';

const PAUSED_RECHECK_MS = 30_000;

export async function awaitCutover(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const { run } = ctx;
  if (run.batch.status === 'paused') {
    return {
      outcome: {
        kind: 'wait',
        until: new Date(ctx.now().getTime() + PAUSED_RECHECK_MS),
        message: `batch ${run.batch.name} is paused`,
      },
    };
  }
  const settings = await deps.settings();
  if (!run.container.downtimeWindow) {
    const projectedDowntimeMs = await projection(ctx, deps);
    return succeeded(
      { projectedDowntimeMs },
      { message: `no downtime window agreed: cutover now (projected downtime ${minutes(projectedDowntimeMs)} min)` },
    );
  }

  const spec = parseDowntimeWindow(run.container.downtimeWindow);
  const tz = run.container.customer?.timezone ?? 'UTC';
  const window = nextWindow(spec, tz, ctx.now());
  // due while waiting, and once more when the window opens if the last one is old
  const caughtUp = catchUpDue(run.state.lastSyncEndedAt, ctx.now(), settings) ? await catchUpSync(ctx, deps) : null;
  const now = ctx.now();
  const projectedDowntimeMs = await projection(ctx, deps);
  const needed = projectedDowntimeMs + settings.cutoverMarginMinutes * 60_000;
  const patch = {
    plannedWindowStart: window.start,
    plannedWindowEnd: window.end,
    projectedDowntimeMs,
    ...(caughtUp && { lastSyncEndedAt: caughtUp }),
  };

  if (now < window.start) {
    const next = nextCatchUp(caughtUp ?? run.state.lastSyncEndedAt, now, settings);
    const catchUpFirst = next !== null && next < window.start;
    return {
      outcome: {
        kind: 'wait',
        until: catchUpFirst ? next : window.start,
        message: `waiting for the downtime window ${run.container.downtimeWindow} (${tz}); projected downtime ${minutes(projectedDowntimeMs)} min${catchUpFirst ? `; next catch-up sync at ${next.toISOString()}` : ''}`,
      },
      patch,
    };
  }
  if (cutoverFits(window, now, needed)) {
    return succeeded(patch, {
      message: `window open until ${window.end.toISOString()}; projected downtime ${minutes(projectedDowntimeMs)} min`,
    });
  }
  const following = nextWindow(spec, tz, new Date(window.end.getTime() + 1));
  return {
    outcome: {
      kind: 'wait',
      until: following.start,
      message: `the cutover (projected ${minutes(projectedDowntimeMs)} min, ${minutes(needed)} min with the margin) would not finish before the window closes at ${window.end.toISOString()}; waiting for the next window`,
    },
    patch: { ...patch, plannedWindowStart: following.start, plannedWindowEnd: following.end },
  };
}

/** A catch-up sync is due when the interval has passed since the copy last caught up (never, for a run from before). */
export function catchUpDue(lastSyncEndedAt: Date | null, now: Date, settings: PipelineSettings): boolean {
  const next = nextCatchUp(lastSyncEndedAt, now, settings);
  return next !== null && next <= now;
}

function nextCatchUp(lastSyncEndedAt: Date | null, now: Date, settings: PipelineSettings): Date | null {
  if (settings.catchUpSyncIntervalMinutes === 0) return null;
  if (!lastSyncEndedAt) return now;
  return new Date(lastSyncEndedAt.getTime() + settings.catchUpSyncIntervalMinutes * 60_000);
}

/** One catch-up sync of the running container, recorded on the run; returns when it ended. */
async function catchUpSync(ctx: StageContext, deps: StageDeps): Promise<Date> {
  const startedAt = ctx.now();
  const synced = await rsyncPass(ctx, deps, 'catch_up');
  const endedAt = ctx.now();
  const stats = synced.result as SyncResult | null;
  const record: CatchUpSyncRecord = {
    startedAt,
    durationMs: endedAt.getTime() - startedAt.getTime(),
    files: stats?.files ?? 0,
    filesTransferred: stats?.filesTransferred ?? 0,
    bytesTransferred: BigInt(stats?.bytesSent ?? 0),
    bytesTotal: BigInt(stats?.bytesTotal ?? 0),
  };
  await deps.catchUpSyncs.record(ctx.run.runId, record);
  ctx.log('info', `${synced.message ?? 'catch-up sync done'} in ${(record.durationMs / 1000).toFixed(1)} s`);
  return endedAt;
}

/**
 * The cutover's downtime: the last catch-up sync's time for the final sync,
 * and for the rest the model, or for a staged run the fixed cost measured on
 * this zone's staged cutovers once there are some.
 */
async function projection(ctx: StageContext, deps: StageDeps): Promise<number> {
  const { container } = ctx.run;
  const os = parseOsTemplate(container.ostemplate);
  const last = await deps.catchUpSyncs.last(ctx.run.runId);
  const staged = ctx.run.state.cutoverPath === 'staged';
  const measured = staged ? await deps.catchUpSyncs.stagedCutoverCost() : null;
  const projected = estimateCutoverMs({
    usedBytes: (container.diskUsedKb ?? 0n) * 1024n,
    files: container.inodesUsed ?? 0n,
    legacyBootIso: os ? usesLegacyGrub(os) : false,
    catchUpSeconds: last ? last.durationMs / 1000 : null,
    staged,
    stagedFixedMs: measured?.fixedMs ?? null,
  });
  // said when the projection changes, not at every wake-up of a long wait
  if (staged && projected !== ctx.run.state.projectedDowntimeMs)
    ctx.log(
      'info',
      measured
        ? `a staged cutover's fixed cost here: ${(measured.fixedMs / 1000).toFixed(1)} s, measured over ${measured.runs} staged cutover(s)`
        : `a staged cutover's fixed cost: ${STAGED_FIXED_SECONDS} s (the model's; none measured on this zone yet)`,
    );
  return projected;
}

function minutes(ms: number): number {
  return Math.ceil(ms / 60_000);
}
