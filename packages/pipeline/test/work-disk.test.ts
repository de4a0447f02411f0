// The work disk on real loop devices: what release() promises before an
// image is made from the disk file. A copy of the mount in another mount
// namespace (unshare, a service with a private /tmp) keeps the file system
// alive after umount, and without care its last writes stay out of the file.
// And what the box owes to a hostile guest: the disk mounted nosuid,nodev,
// the run's directory and images for root only.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError, type RunSnapshot } from '@vzferry/core';
import { attachDisk, createDiskImage, makeFilesystem, mountDisk } from '../src/box/disk';
import { LocalExecutor } from '../src/box/local-executor';
import type { StageContext } from '../src/stage-contract';
import type { StageDeps } from '../src/stage-deps';
import { convertImage } from '../src/stages/convert-image';
import { createDisk } from '../src/stages/create-disk';
import { ensureMounted, release, workPaths, type WorkPaths } from '../src/work-disk';

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

  it('stops what a killed worker left writing in the mounted disk (its rsync), and keeps the disk mounted', async () => {
    const paths = await mountedDisk();
    mkdirSync(path.join(paths.mount, 'etc'));
    // one with its working directory in the tree (as rsync's receiver), one with a file open there
    const inTree = spawn('sleep', ['600'], { cwd: path.join(paths.mount, 'etc') });
    const writing = spawn('sh', ['-c', 'exec 3>"$1"; exec sleep 600', 'sh', path.join(paths.mount, 'half-copied')]);
    const outside = spawn('sleep', ['600'], { cwd: dir });
    const exited = (c: ChildProcess) =>
      new Promise((r) => (c.exitCode !== null || c.signalCode ? r(null) : c.once('exit', r)));
    await new Promise((r) => setTimeout(r, 300));
    try {
      await ensureMounted(x, paths);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('still running 10 s after ensureMounted')), 10_000);
      });
      await Promise.race([Promise.all([exited(inTree), exited(writing)]), late]).finally(() => clearTimeout(timer));
      expect([inTree.signalCode, writing.signalCode]).toEqual(['SIGKILL', 'SIGKILL']);
      expect(outside.exitCode === null && outside.signalCode === null).toBe(true);
      expect(statSync(path.join(paths.mount, 'etc')).isDirectory()).toBe(true);
    } finally {
      for (const c of [inTree, writing, outside]) c.kill('SIGKILL');
      await Promise.all([exited(inTree), exited(writing), exited(outside)]);
    }
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

/** The options the kernel mounted it with (findmnt reads /proc/self/mountinfo). */
function mountOptions(at: string): string[] {
  return execFileSync('findmnt', ['--noheadings', '--output', 'OPTIONS', '--mountpoint', at], { encoding: 'utf8' })
    .trim()
    .split(',');
}

/** A guest's setuid binary: id(1) owned by nobody with the setuid bit, so `id -u` run by root says whose uid it runs as. */
function plantSetuidId(root: string): string {
  const bin = path.join(root, 'usr/bin/id');
  mkdirSync(path.dirname(bin), { recursive: true });
  copyFileSync('/usr/bin/id', bin);
  chownSync(bin, 65534, 65534);
  chmodSync(bin, 0o4755);
  return bin;
}

describe("a work disk holding a guest's setuid binary and device node", () => {
  it('is mounted nosuid,nodev: the binary runs as the caller, the node does not open', async () => {
    const paths = await mountedDisk();
    expect(mountOptions(paths.mount)).toEqual(expect.arrayContaining(['nosuid', 'nodev']));
    const bin = plantSetuidId(paths.mount);
    expect(statSync(bin).mode & 0o4000).toBe(0o4000);
    expect(execFileSync(bin, ['-u'], { encoding: 'utf8' }).trim()).toBe(String(process.getuid!()));
    // the character device 1:3 (what /dev/null is): harmless if the kernel opened it
    const node = path.join(paths.mount, 'dev/guest-null');
    mkdirSync(path.dirname(node), { recursive: true });
    execFileSync('mknod', [node, 'c', '1', '3']);
    expect(() => openSync(node, 'w')).toThrow(expect.objectContaining({ code: 'EACCES' }));
  });

  it('gets nosuid,nodev when it was mounted without them before (a disk of an earlier version)', async () => {
    const paths = await mountedDisk();
    execFileSync('mount', ['-o', 'remount,suid,dev', paths.mount]);
    expect(mountOptions(paths.mount)).not.toContain('nosuid');
    await ensureMounted(x, paths);
    expect(mountOptions(paths.mount)).toEqual(expect.arrayContaining(['nosuid', 'nodev']));
  });
});

describe('the files of a run on the box', () => {
  /** The two stages that make files in the run's directory, with what they read of the run. */
  const ctx = (workDir: string, state: Partial<RunSnapshot['state']> = {}) =>
    ({
      run: {
        runId: '3f1c2a4e-7b8d-4e0f-9a6b-5c4d3e2f1a0b',
        container: { sourceCtid: 101, diskQuotaKb: 32n * 1024n },
        box: { workDir },
        state,
      },
      command: () => undefined,
    }) as unknown as StageContext;
  const deps = { local: x } as StageDeps;

  it("are root's only: the run's directory 0700, the raw disk and the qcow2 image 0600", async () => {
    const old = process.umask(0o022);
    dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-workdisk-'));
    try {
      const run = ctx(dir).run;
      const paths = workPaths(dir, run.runId);
      // a directory an earlier version left open
      mkdirSync(paths.dir, { mode: 0o755 });
      await createDisk(ctx(dir), deps);
      expect(statSync(paths.dir).mode & 0o777).toBe(0o700);
      expect(statSync(paths.image).mode & 0o777).toBe(0o600);
      await convertImage(ctx(dir), deps);
      expect(statSync(paths.qcow2).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(old);
      await release(x, workPaths(dir, ctx(dir).run.runId)).catch(() => undefined);
    }
  });
});

describe('the work disk of a container with many small files', () => {
  /** 32 MiB of quota, 40 000 files: ext4's default (one inode per 4 KiB below 512 MiB) gives about 25 000 */
  const FILES = 40_000;
  const ctx = (workDir: string) =>
    ({
      run: {
        runId: '5e2d9c1b-13a0-4c7e-8f3d-2b1a0c9d8e7f',
        container: { sourceCtid: 102, diskQuotaKb: 32n * 1024n, inodesUsed: BigInt(FILES) },
        box: { workDir },
        state: {},
      },
      command: () => undefined,
    }) as unknown as StageContext;

  it('has an inode for every file of the container, with room to spare', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-workdisk-'));
    const paths = workPaths(dir, ctx(dir).run.runId);
    try {
      await createDisk(ctx(dir), { local: x } as StageDeps);
      // what final_sync writes: every file of the container, most of them empty
      for (let d = 0; d < FILES / 1000; d++) {
        const sub = path.join(paths.mount, `d${d}`);
        mkdirSync(sub);
        for (let f = 0; f < 1000; f++) writeFileSync(path.join(sub, `f${f}`), '');
      }
      const free = statfsSync(paths.mount).ffree;
      expect(free).toBeGreaterThan(FILES / 4);
    } finally {
      await release(x, paths).catch(() => undefined);
    }
  });
});
