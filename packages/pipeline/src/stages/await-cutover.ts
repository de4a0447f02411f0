// Stage 5: wait for the customer's downtime window (or go at once without
// one), and start the cutover only if its estimate fits before the window
// closes. Waiting does not hold a worker: the stage returns "wait" and the
// engine comes back at the given time.
import { cutoverFits, estimateCutoverMs, nextWindow, parseDowntimeWindow } from '@vzferry/core';
import { parseOsTemplate, usesLegacyGrub } from '@vzferry/guest';
import { type StageContext, type StageReturn, succeeded } from '../stage-contract';
import type { StageDeps } from '../stage-deps';

const PAUSED_RECHECK_MS = 30_000;

export async function awaitCutover(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const { run } = ctx;
  const now = ctx.now();
  if (run.batch.status === 'paused') {
    return {
      outcome: {
        kind: 'wait',
        until: new Date(now.getTime() + PAUSED_RECHECK_MS),
        message: `batch ${run.batch.name} is paused`,
      },
    };
  }
  if (!run.container.downtimeWindow) return succeeded(undefined, { message: 'no downtime window agreed: cutover now' });

  const spec = parseDowntimeWindow(run.container.downtimeWindow);
  const tz = run.container.customer?.timezone ?? 'UTC';
  const window = nextWindow(spec, tz, now);
  const settings = await deps.settings();
  const os = parseOsTemplate(run.container.ostemplate);
  const estimate = estimateCutoverMs({
    usedBytes: (run.container.diskUsedKb ?? 0n) * 1024n,
    files: run.container.inodesUsed ?? 0n,
    legacyBootIso: os ? usesLegacyGrub(os) : false,
  });
  const needed = estimate + settings.cutoverMarginMinutes * 60_000;
  const patch = { plannedWindowStart: window.start, plannedWindowEnd: window.end };

  if (now < window.start) {
    return {
      outcome: {
        kind: 'wait',
        until: window.start,
        message: `waiting for the downtime window ${run.container.downtimeWindow} (${tz})`,
      },
      patch,
    };
  }
  if (cutoverFits(window, now, needed)) {
    return succeeded(patch, {
      message: `window open until ${window.end.toISOString()}; cutover estimated at ${minutes(estimate)} min`,
    });
  }
  const next = nextWindow(spec, tz, new Date(window.end.getTime() + 1));
  return {
    outcome: {
      kind: 'wait',
      until: next.start,
      message: `the cutover (about ${minutes(needed)} min with margin) would not finish before the window closes at ${window.end.toISOString()}; waiting for the next window`,
    },
    patch: { plannedWindowStart: next.start, plannedWindowEnd: next.end },
  };
}

function minutes(ms: number): number {
  return Math.ceil(ms / 60_000);
}
