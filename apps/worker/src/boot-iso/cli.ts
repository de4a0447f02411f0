// npm run boot-iso -- --out <file> [--kernel-deb <file>]: builds the boot ISO
// for grub-legacy guests (see build.ts) and prints its sha256.
import { parseArgs } from 'node:util';
import { buildBootIso } from './build';

const USAGE = 'usage: npm run boot-iso -- --out <file.iso> [--kernel-deb <linux-image-*-amd64.deb>]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, 'kernel-deb': { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help || !values.out) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const started = Date.now();
  const iso = await buildBootIso({
    out: values.out,
    kernelDeb: values['kernel-deb'],
    log: (line) => console.error(`boot-iso: ${line}`),
  });
  console.error(`boot-iso: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${iso.sha256}  ${iso.path}  (${iso.bytes} bytes, kernel ${iso.kernelVersion})`);
}

main().catch((e: unknown) => {
  console.error(`boot-iso: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
