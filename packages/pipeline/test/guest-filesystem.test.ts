// After a guest job the work disk's file system is one guest code wrote as
// root with the raw disk in its hands: the box checks it with e2fsck before
// its own kernel mounts it again (appliance.ts, checkGuestFilesystem). On
// real loop devices: a clean one passes, one with an inode e2fsck calls an
// illegal socket (damage e2fsck -p may not repair alone) is refused.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkGuestFilesystem } from '../src/box/appliance';
import { attachDisk, createDiskImage, detachDisk, makeFilesystem, mountDisk, type AttachedDisk } from '../src/box/disk';
import { LocalExecutor } from '../src/box/local-executor';

const x = new LocalExecutor();
let dir: string;
let disk: AttachedDisk | null = null;

afterEach(async () => {
  if (disk) await detachDisk(x, disk);
  disk = null;
  rmSync(dir, { recursive: true, force: true });
});

/** A work disk with one file, unmounted, as the appliance VM leaves it. */
async function guestDisk(): Promise<AttachedDisk> {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-guestfs-'));
  await createDiskImage(x, path.join(dir, 'disk.raw'), 64 * 1024 * 1024);
  disk = await attachDisk(x, path.join(dir, 'disk.raw'));
  await makeFilesystem(x, disk, '3f1c2b8e-5d7a-4c1e-9b2f-6a8d0e4c7b19');
  const mnt = path.join(dir, 'mnt');
  await mountDisk(x, disk, mnt);
  writeFileSync(path.join(mnt, 'customer-file'), 'data\n');
  execFileSync('umount', [mnt]);
  return disk;
}

describe('the work disk after a guest job', () => {
  it('is mounted again when e2fsck finds it clean', async () => {
    const d = await guestDisk();
    await expect(checkGuestFilesystem(x, d.partition)).resolves.toBeUndefined();
  });

  it('is refused when its metadata has damage e2fsck may not repair by itself', async () => {
    const d = await guestDisk();
    // what guest code with the raw disk can do: a file's inode made a socket that still holds data blocks
    execFileSync('debugfs', ['-w', '-R', 'set_inode_field /customer-file mode 0140755', d.partition], {
      stdio: 'ignore',
    });
    await expect(checkGuestFilesystem(x, d.partition)).rejects.toMatchObject({
      code: 'work_disk_damaged',
      message: expect.stringMatching(/e2fsck found damage .*exit [4-9]/),
    });
  });
});
