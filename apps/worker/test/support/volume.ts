// Files from a VM's qcow2 volume, as the tests check what a migration put on
// it: a raw copy on a loop device (the product's own attach), its first
// partition mounted read-only.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { attachDisk, detachDisk } from '../../src/local/disk';
import { LocalExecutor } from '../../src/local/local-executor';

/** guest path (relative, e.g. "etc/fstab") -> its text, or null when missing */
export async function readFromVolume(volume: string, files: string[], scratch: string): Promise<Record<string, string | null>> {
  const x = new LocalExecutor();
  const raw = path.join(scratch, `volume-${process.pid}-${Date.now()}.raw`);
  const mnt = mkdtempSync(path.join(scratch, 'mnt-'));
  execFileSync('qemu-img', ['convert', '-O', 'raw', volume, raw]);
  const disk = await attachDisk(x, raw);
  try {
    execFileSync('mount', ['-o', 'ro', disk.partition, mnt]);
    try {
      return Object.fromEntries(files.map((f) => [f, existsSync(path.join(mnt, f)) ? readFileSync(path.join(mnt, f), 'utf8') : null]));
    } finally {
      execFileSync('umount', [mnt]);
    }
  } finally {
    await detachDisk(x, disk);
    rmSync(raw, { force: true });
    rmSync(mnt, { recursive: true, force: true });
  }
}
