// The boot ISO and the guest-job appliance, built once per test run. A build
// costs about 15 s of CPU (the kernel package unpacked, the initramfs
// gzipped, the ISO written) and every lab stack wants the same one: built
// for each stack it was 20 builds per `npm test` on 2 cores.
// VZFERRY_TEST_BOOT_ISO_DIR (scripts/test.sh, or the vitest global setup)
// names a directory shared by the run's processes: the first to come builds
// into it under a lock, the others wait and use the same files. Without it
// (a bench, a single file run by hand) the caller gets a build of its own.
// Nothing writes to the shared files after the build: workers only read
// the ISO and the appliance, and a test that puts the ISO elsewhere copies it.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sleep } from '@vzferry/core';
import { processAlive } from '@vzferry/ssh';
import { buildBootIso, type BootIso } from '../../src/boot-iso/build';

export const TEST_BOOT_ISO_DIR_ENV = 'VZFERRY_TEST_BOOT_ISO_DIR';
const WAIT_MS = 15 * 60_000;

/** The run's shared boot ISO, or one built at `out` when the run shares none. */
export async function testBootIso(out: string): Promise<BootIso> {
  const shared = process.env[TEST_BOOT_ISO_DIR_ENV];
  return shared ? sharedBootIso(shared) : buildBootIso({ out });
}

/** `build` is the ISO build (a test of the sharing passes its own) */
export async function sharedBootIso(
  dir: string,
  build: (out: string) => Promise<BootIso> = (out) => buildBootIso({ out }),
): Promise<BootIso> {
  const ready = path.join(dir, 'ready.json');
  const lock = path.join(dir, 'lock');
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (existsSync(ready)) return JSON.parse(readFileSync(ready, 'utf8')) as BootIso;
    if (takeLock(lock)) {
      try {
        const iso = await build(path.join(dir, 'iso/vzferry-boot.iso'));
        writeFileSync(`${ready}.partial`, JSON.stringify(iso));
        // renamed: a waiter never reads half a file
        renameSync(`${ready}.partial`, ready);
        return iso;
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    }
    if (Date.now() > deadline)
      throw new Error(`the shared boot ISO in ${dir} was not built within ${WAIT_MS / 60_000} min`);
    await sleep(250);
  }
}

/** mkdir is atomic: one process gets the lock; a lock whose holder died is taken over */
function takeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    writeFileSync(path.join(lock, 'pid'), String(process.pid));
    return true;
  } catch {
    // no pid yet: its holder is between mkdir and writing it
    const pid = Number(readIfThere(path.join(lock, 'pid')).trim());
    if (pid > 0 && !processAlive(pid)) rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

function readIfThere(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
