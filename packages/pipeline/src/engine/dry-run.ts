// The dry_run_preflight job: preflight's checks (stages/preflight.ts, the
// same function the stage calls) for every run of a batch that has not
// started, on this box, with the box's real deps. Each run's findings are
// recorded; no run, stage attempt or batch changes status, nothing is
// written on the source host, the box or CloudStack.
import { errorMessage } from '@vzferry/core';
import { beginDryRun, finishDryRun, recordDryRunResult, type Db, type PreflightFinding } from '@vzferry/db';
import type { PreflightInput } from '../stages/preflight';

export type DryRunChecks<D> = (input: PreflightInput, deps: D) => Promise<PreflightFinding[]>;

/** Containers checked at once: each holds an SSH channel and asks CloudStack. */
const PARALLEL = 4;
/** One container's checks; a hung source host must not hold the dry run for ever. */
const CHECK_TIMEOUT_MS = 120_000;

export async function runDryRunPreflight<D>(
  opts: { db: Db; box: { id: string }; deps: D; checks?: DryRunChecks<D> },
  dryRunId: string,
): Promise<void> {
  const runs = await beginDryRun(opts.db, dryRunId, opts.box.id);
  if (!runs) return; // done already, or another box's
  try {
    if (!opts.checks) throw new Error('this worker was started without the preflight checks');
    const checks = opts.checks;
    const queue = [...runs];
    const next = async (): Promise<void> => {
      for (let run = queue.shift(); run; run = queue.shift()) {
        const findings = await checks({ run, signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) }, opts.deps).catch(
          (err: unknown): PreflightFinding[] => [{ ok: false, code: 'preflight', message: errorMessage(err) }],
        );
        await recordDryRunResult(opts.db, dryRunId, run.runId, findings);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, runs.length) }, next));
    await finishDryRun(opts.db, dryRunId, null);
  } catch (err) {
    await finishDryRun(opts.db, dryRunId, errorMessage(err));
  }
}
