// The lab's `vzlist`: -a (all; without it, only running), -H (no header),
// -o <fields>, -j (JSON), -L (field list). Output and exit codes as
// vzctl 4.x, except that `-j` with no containers prints [] and exits 1,
// which vzctl does only when CTIDs were named (docs/platforms.md,
// "vzlist"): the harder case for the adapter.
import { errorMessage } from '@vzferry/core';
import {
  DEFAULT_FIELDS,
  isTextField,
  renderFieldList,
  renderVzlistJson,
  renderVzlistText,
  type TextField,
} from '../vzlist-format';
import { isRunning, listCtids, readConfig, vzlistRecord } from './host-state';

function main(argv: string[]): number {
  let all = false;
  let header = true;
  let json = false;
  let fields: TextField[] = DEFAULT_FIELDS;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-a' || a === '--all') all = true;
    else if (a === '-H' || a === '--no-header') header = false;
    else if (a === '-j' || a === '--json') json = true;
    else if (a === '-L' || a === '--list') {
      process.stdout.write(renderFieldList());
      return 0;
    } else if (a === '-o' || a === '--output') {
      const list = (argv[++i] ?? '').split(',');
      const bad = list.find((f) => !isTextField(f));
      if (bad !== undefined || list.length === 0) {
        process.stderr.write(`Unknown field: ${bad ?? ''}\n`);
        return 1;
      }
      fields = list as TextField[];
    } else {
      process.stderr.write(`vzlist: invalid option -- '${a.replace(/^-+/, '')}'\n`);
      return 1;
    }
  }
  const records = listCtids()
    .filter((id) => all || isRunning(id))
    .map((id) => readConfig(id))
    .filter((c) => c !== null)
    .map((c) => vzlistRecord(c));
  if (json) {
    process.stdout.write(renderVzlistJson(records));
    return records.length === 0 ? 1 : 0;
  }
  if (records.length === 0) {
    process.stderr.write('Container(s) not found\n');
    return 1;
  }
  process.stdout.write(renderVzlistText(records, fields, header));
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`vzlist: ${errorMessage(err)}\n`);
  process.exitCode = 3;
}
