// `npm run bench [name...]`: runs the benchmarks (all, or the named ones).
// Each prints its figures as ratios against a baseline measured in the same
// run and returns them (support/results.ts, BenchResult); they go into
// bench/RESULTS.md with the machine and the date, replacing only the
// sections of the benches that ran. None of them is a pass/fail test.
import os from 'node:os';
import path from 'node:path';
import { run as api } from './api';
import { run as appliance } from './appliance';
import { run as containersApi } from './containers-api';
import { run as downtime } from './downtime';
import { run as rsync } from './rsync';
import { run as scale } from './scale';
import { machineNow, renderSection, writeResults, type BenchResult } from './support/results';
import { run as templateServe } from './template-serve';

const BENCHES: Record<string, () => Promise<BenchResult>> = {
  api,
  'containers-api': containersApi,
  'template-serve': templateServe,
  rsync,
  appliance,
  // the slow ones last
  scale,
  downtime,
};

// BENCH_RESULTS: another file for the sections (the CI test of a reduced bench must not replace the real figures)
const RESULTS = process.env.BENCH_RESULTS ?? path.join(import.meta.dirname, 'RESULTS.md');

const names = process.argv.slice(2);
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; there are: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const failed: string[] = [];
for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
  console.log(`\n=== ${name}`);
  const at = new Date();
  const machine = machineNow();
  try {
    const result = await BENCHES[name]!();
    const section = renderSection(name, result, { ...machine, loadAfter: os.loadavg()[0]! }, at);
    // written after each bench: a later one that fails or is stopped does not lose these figures
    writeResults(RESULTS, new Map([[name, section]]), Object.keys(BENCHES));
    console.log(`${name}: written to ${path.relative(process.cwd(), RESULTS)}`);
  } catch (err) {
    // its last figures stay in RESULTS.md; the other benches still run
    console.error(`${name} failed:`, err);
    failed.push(name);
  }
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(', ')} (their sections of bench/RESULTS.md are unchanged)`);
  process.exitCode = 1;
}
