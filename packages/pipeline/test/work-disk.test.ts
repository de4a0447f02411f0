// The work disk on real loop devices: what release() promises before an
// image is made from the disk file. A copy of the mount in another mount
// namespace (unshare, a service with a private /tmp) keeps the file system
// alive after umount, and without care its last writes stay out of the file.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '@vzferry/core';
import { attachDisk, createDiskImage, makeFilesystem, mountDisk } from '../src/box/disk';
import { LocalExecutor } from '../src/box/local-executor';
import { release, workPaths, type WorkPaths } from '../src/work-disk';

const x = new LocalExecutor();
let dir: string;
let holder: ChildProcess | null = null;

afterEach(async () => {
  if (holder) {
    holder.kill('SIGKILL');
    await new Promise((r) => holder!.once('exit', r));
    holder = null;
  }
  if (dir) {
    await release(x, workPaths(dir, 'run')).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});

async function mountedDisk(): Promise<WorkPaths> {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-workdisk-'));
  const paths = workPaths(dir, 'run');
  execFileSync('mkdir', ['-p', paths.dir]);
  await createDiskImage(x, paths.image, 64 * 1024 * 1024);
  const disk = await attachDisk(x, paths.image);
  await makeFilesystem(x, disk, '8a5f4a0e-6c2e-4b5e-9a47-0c7a5f0f7a11');
  await mountDisk(x, disk, paths.mount);
  return paths;
}

/** What debugfs reads from the disk file itself (the first partition starts at 1 MiB). */
function fromFile(paths: WorkPaths, file: string): string {
  const out = execFileSync('debugfs', ['-R', `cat /${file}`, `${paths.image}?offset=${1024 * 1024}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out;
}

function loopsOf(image: string): string {
  return execFileSync('losetup', ['--associated', image, '--noheadings', '--output', 'NAME'], {
    encoding: 'utf8',
  }).trim();
}

describe('release of a work disk', () => {
  it('leaves no loop device and the last write in the disk file', async () => {
    const paths = await mountedDisk();
    writeFileSync(path.join(paths.mount, 'last.txt'), 'the last write\n');
    await release(x, paths);
    expect(loopsOf(paths.image)).toBe('');
    expect(fromFile(paths, 'last.txt')).toBe('the last write\n');
  });

  it('refuses to call a disk released while another mount namespace holds it, and names the holder; the write is in the file anyway', async () => {
    const paths = await mountedDisk();
    // a process that made its mount namespace while the disk was mounted
    holder = spawn('unshare', ['--mount', '--propagation', 'private', 'sleep', '300'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(path.join(paths.mount, 'last.txt'), 'written while another namespace holds the mount\n');
    const err = await release(x, paths).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('work_disk_busy');
    expect((err as AppError).message).toMatch(/sleep \(pid \d+\) holds a copy of its mount/);
    // synced before the umount: the file already holds the write
    expect(fromFile(paths, 'last.txt')).toBe('written while another namespace holds the mount\n');
  });
});
