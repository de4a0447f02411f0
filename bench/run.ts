// `npm run bench [name...]`: runs the benchmarks (all, or the named ones).
// Each prints its figures as ratios against a baseline measured in the same
// run; none of them is a pass/fail test.
import { run as api } from './api';
import { run as appliance } from './appliance';
import { run as containersApi } from './containers-api';
import { run as downtime } from './downtime';
import { run as scale } from './scale';
import { run as templateServe } from './template-serve';

const BENCHES: Record<string, () => Promise<void>> = {
  api,
  appliance,
  'containers-api': containersApi,
  downtime,
  scale,
  'template-serve': templateServe,
};

const names = process.argv.slice(2);
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; there are: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
  console.log(`\n=== ${name}`);
  await BENCHES[name]!();
}
