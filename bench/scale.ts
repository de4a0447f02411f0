// bench/scale: the whole product at scale in the lab. 3,000 containers
// (most tiny, a few grown to a real size) on 10 simulated hypervisors, 3
// converter boxes (real worker processes with their own names, max runs and
// disks), a batch of 200 with the limits set (per hypervisor, per box's runs
// and disk, the global template download limit). Prints the wall time, the
// orchestration overhead between stages, the load on PostgreSQL and Redis,
// and the proof from the recorded timeline that every limit held at every
// moment; fails if one did not, or if a run did not succeed. Sizes from
// BENCH_SCALE_* (support/scale-run.ts), the full size by default.
// BENCH_SCALE_JSON=<file> also writes the result as JSON (the CI test reads it).
import { writeFileSync } from 'node:fs';
import type { BenchResult } from './support/results';
import { describeOptions, formatScale, runScale, scaleOptionsFromEnv } from './support/scale-run';

export async function run(): Promise<BenchResult> {
  const opts = scaleOptionsFromEnv(process.env);
  console.log(describeOptions(opts));
  // Ctrl-C ends the wait: the proof covers what ran, and the lab, the boxes' disks and the database are cleaned up
  const interrupt = new AbortController();
  const stop = () => interrupt.abort();
  process.once('SIGINT', stop).once('SIGTERM', stop);
  const result = await runScale(opts, (l) => console.log(l), interrupt.signal).finally(() =>
    process.off('SIGINT', stop).off('SIGTERM', stop),
  );
  const figures = formatScale(result);
  console.log(`\n${figures}`);
  const out = process.env.BENCH_SCALE_JSON;
  if (out)
    writeFileSync(
      out,
      JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v), 2),
    );
  const exceeded = result.checks.filter((c) => !c.held);
  if (exceeded.length > 0) throw new Error(`limits exceeded: ${exceeded.map((c) => c.what).join('; ')}`);
  if (!result.complete || result.failures.length > 0)
    throw new Error(
      `${result.failures.length} of ${result.runs} runs did not succeed${result.complete ? '' : ' (timed out)'}`,
    );
  return {
    title: `Scale: ${result.runs} runs of a batch on the lab, limits proved from the timeline`,
    lines: ['```', describeOptions(opts), '', figures, '```'],
  };
}
