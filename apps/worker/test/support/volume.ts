// Files from a VM's qcow2 volume, as the tests check what a migration put on
// it: a raw copy read with debugfs at the partition's offset. No loop device
// and no mount: a loop device just freed by another disk can hand a mount
// stale blocks of that disk (CI read an old tree that way), and nothing here
// needs the kernel.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** createDiskImage's one partition starts at 1 MiB */
const PARTITION_OFFSET = 1024 * 1024;

/** guest path (relative, e.g. "etc/fstab") -> its text, or null when missing; a directory's path ending in "/" -> its file names, one per line */
export async function readFromVolume(
  volume: string,
  files: string[],
  scratch: string,
): Promise<Record<string, string | null>> {
  const raw = path.join(scratch, `volume-${process.pid}-${Date.now()}.raw`);
  await run('qemu-img', ['convert', '-O', 'raw', volume, raw]);
  try {
    const out: Record<string, string | null> = {};
    for (const f of files) {
      const dir = f.endsWith('/');
      // ls -p: one "/inode/mode/uid/gid/name/size/" line per entry
      const { stdout, stderr } = await run(
        'debugfs',
        ['-R', dir ? `ls -p /${f}` : `cat /${f}`, `${raw}?offset=${PARTITION_OFFSET}`],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      if (/File not found/.test(stderr)) out[f] = null;
      else if (!dir) out[f] = stdout;
      else
        out[f] = stdout
          .split('\n')
          .map((l) => l.split('/')[5] ?? '')
          .filter((n) => n !== '' && n !== '.' && n !== '..')
          .join('\n');
    }
    return out;
  } finally {
    rmSync(raw, { force: true });
  }
}
