// Where a run's work lives on the converter box, and getting its disk
// attached and mounted again whatever happened before (a stage may run on a
// restarted worker): <workDir>/<runId>/disk.raw, mounted at .../mnt. The
// file system's UUID is the run id, so the fstab and grub the plan writes
// match the disk without asking it.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError, formatBytes, sleep, type Executor } from '@vzferry/core';
import { checkGuestFilesystem, stopLeftAppliance } from './box/appliance';
import {
  attachDisk,
  detachDisk,
  hardenMount,
  mountDisk,
  mountHolders,
  processesUsing,
  type AttachedDisk,
} from './box/disk';

export interface WorkPaths {
  dir: string;
  image: string;
  mount: string;
  qcow2: string;
}

export function workPaths(workDir: string, runId: string): WorkPaths {
  const dir = path.join(workDir, runId);
  return { dir, image: path.join(dir, 'disk.raw'), mount: path.join(dir, 'mnt'), qcow2: path.join(dir, 'image.qcow2') };
}

export async function isMounted(x: Executor, at: string): Promise<boolean> {
  return (await x.exec(['mountpoint', '-q', at], { allowExitCodes: [0, 1, 32] })).code === 0;
}

/** loop devices that hold the image now (losetup -j) */
export async function loopsOf(x: Executor, image: string): Promise<string[]> {
  if (!existsSync(image)) return [];
  const { stdout } = await x.exec(['losetup', '--associated', image, '--noheadings', '--output', 'NAME']);
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/**
 * The run's disk, attached and mounted (reusing what is already there). An
 * appliance VM a killed worker left on it is stopped first, and the disk it
 * had is checked as after any guest job.
 */
export async function ensureMounted(x: Executor, paths: WorkPaths): Promise<AttachedDisk> {
  if (!existsSync(paths.image)) throw new Error(`the work disk ${paths.image} does not exist; run create_disk again`);
  const guestHadIt = await stopLeftAppliance(paths.dir);
  const [device] = await loopsOf(x, paths.image);
  const disk = device ? { image: paths.image, device, partition: `${device}p1` } : await attachDisk(x, paths.image);
  if (device) await x.exec(['partx', '--add', device], { allowExitCodes: [0, 1] });
  if (guestHadIt && !(await isMounted(x, paths.mount))) {
    for (const dev of [disk.device, disk.partition])
      await x.exec(['blockdev', '--flushbufs', dev], { allowExitCodes: [0, 1] });
    await checkGuestFilesystem(x, disk.partition);
  }
  if (await isMounted(x, paths.mount)) {
    await stopLeftWriters(paths.mount);
    await hardenMount(x, paths.mount);
  } else await mountDisk(x, disk, paths.mount);
  return disk;
}

/**
 * A stage resumed after its worker was killed finds the disk mounted, and
 * perhaps the killed worker's rsync still writing into it (SIGKILL does not
 * reach children): two copies at once into one tree fail each other (rsync
 * exit 23). Only one stage of a run runs at a time, so whatever else uses
 * the mount is left over, and goes.
 */
async function stopLeftWriters(mount: string): Promise<void> {
  const alive = async (pid: number) => {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    return stat !== null && !/ Z /.test(stat.slice(stat.lastIndexOf(')')));
  };
  for (const { pid } of await processesUsing(mount)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      continue; // gone already
    }
    const deadline = Date.now() + 30_000;
    while (await alive(pid)) {
      if (Date.now() > deadline) throw new Error(`process ${pid} a stopped worker left in ${mount} does not go`);
      await sleep(50);
    }
  }
}

/**
 * How long a detached loop device may take to go: udev may still have it
 * open for a moment, and the kernel frees it in the background, which on a
 * box busy with other runs' copies took more than 5 s (a false alarm that
 * failed a run); a real holder keeps it for good, so waiting longer costs
 * nothing but the time of the error.
 */
const DETACH_WAIT_MS = 20_000;

/**
 * Unmounted and detached: nothing of the run holds a loop device any more,
 * and the disk file holds everything written to the file system.
 *
 * A process that made a mount namespace while the disk was mounted (unshare,
 * a service with a private /tmp) holds a copy of the mount: umount then only
 * removes ours, the file system stays alive with its last writes possibly
 * outside the file, and the loop device is only marked to go later. An image
 * made from that file would silently miss them. So the file system is synced
 * before the umount, and a device that does not go is an error that names
 * who holds it.
 */
export async function release(x: Executor, paths: WorkPaths): Promise<void> {
  if (await isMounted(x, paths.mount)) {
    await x.exec(['sync', '--file-system', paths.mount]);
    await x.exec(['umount', paths.mount]);
  }
  for (const device of await loopsOf(x, paths.image))
    await detachDisk(x, { image: paths.image, device, partition: `${device}p1` });
  await waitDetached(x, paths);
}

/**
 * A work disk whose writes failed (its file system had to drop them): its
 * copy cannot be trusted, and rsync would skip a lost file whose size and
 * time made it to the disk. Unmounted without a flush (it would fail again),
 * detached and deleted, which also gives its blocks back to the box.
 */
export async function discardWorkDisk(x: Executor, paths: WorkPaths): Promise<void> {
  if (await isMounted(x, paths.mount)) await x.exec(['umount', paths.mount]);
  for (const device of await loopsOf(x, paths.image))
    await detachDisk(x, { image: paths.image, device, partition: `${device}p1` });
  await waitDetached(x, paths);
  await rm(paths.image, { force: true });
}

/** Below this, the box's work directory is full: a sparse work disk cannot grow by what one more file needs. */
const BOX_FULL_BELOW = 64n * 1024n * 1024n;

/**
 * The error for work that failed because the box's own file system under
 * its work directory is full (null when it is not): the code and words that
 * tell an engineer to free space there, instead of the failed command's.
 */
export async function boxDiskFull(
  ctx: { run: { box: { name: string; workDir: string } } },
  deps: { freeDiskBytes(dir: string): Promise<bigint> },
  what: string,
): Promise<AppError | null> {
  const { name, workDir } = ctx.run.box;
  const free = await deps.freeDiskBytes(workDir).catch(() => null);
  if (free === null || free >= BOX_FULL_BELOW) return null;
  return new AppError(
    'box_disk_full',
    `the converter box ${name} has ${formatBytes(free)} free in its work directory ${workDir}: it is full, so ${what}. ` +
      'Free space on the box, then Retry',
  );
}

async function waitDetached(x: Executor, paths: WorkPaths): Promise<void> {
  const deadline = Date.now() + DETACH_WAIT_MS;
  for (;;) {
    const left = await loopsOf(x, paths.image);
    if (left.length === 0) return;
    if (Date.now() > deadline) throw await stillAttached(paths, left);
    await sleep(200);
  }
}

async function stillAttached(paths: WorkPaths, devices: string[]): Promise<AppError> {
  const holders = await mountHolders(devices.flatMap((d) => [d, `${d}p1`]));
  const who = holders.length
    ? holders.map((h) => `${h.command} (pid ${h.pid})`).join(', ')
    : 'a process in another mount namespace';
  return new AppError(
    'work_disk_busy',
    `the work disk ${paths.image} is still attached to ${devices.join(', ')} after it was unmounted: ${who} holds a copy of its mount, ` +
      'so its last writes may not be in the file. Stop that process (or unmount the disk in its namespace), then Retry',
  );
}

const MiB = 1024n * 1024n;
const TiB = 1024n * 1024n * MiB;
/** what an ext4 inode takes in its inode table (mke2fs.conf inode_size) */
const INODE_BYTES = 256n;
const MAX_INODES = 2n ** 32n - 1n;

/**
 * How many inodes the work disk needs, or null for ext4's default. mkfs.ext4
 * gives one inode per 4 KiB below 512 MiB and per 16 KiB up to 4 TiB
 * (mke2fs.conf "small" and "default"): a container of many small files (mail
 * spools, caches, session directories) has more files than that, and
 * final_sync fails with "No space left on device" with blocks to spare. The
 * container's own count (vzlist diskinodes) and half again, for what is
 * written until the final sync, and the plan's own files.
 */
export function inodesFor(inodesUsed: bigint | null, diskBytes: bigint): bigint | null {
  if (!inodesUsed || inodesUsed < 0n) return null;
  const wanted = inodesUsed + inodesUsed / 2n + 16_384n;
  return wanted > defaultInodes(diskBytes) ? (wanted < MAX_INODES ? wanted : MAX_INODES) : null;
}

/** The inode tables of more inodes than the default take room of their own. */
export function inodeTableBytes(inodes: bigint | null, diskBytes: bigint): bigint {
  if (inodes === null) return 0n;
  return (((inodes - defaultInodes(diskBytes)) * INODE_BYTES + MiB - 1n) / MiB) * MiB;
}

function defaultInodes(diskBytes: bigint): bigint {
  const ratio =
    diskBytes < 512n * MiB ? 4096n : diskBytes < 4n * TiB ? 16_384n : diskBytes < 16n * TiB ? 32_768n : 65_536n;
  return diskBytes / ratio;
}

/** ext4 with the run id as its UUID (the plan's fstab and grub name it) and, if the container needs them, more inodes. */
export async function makeWorkFilesystem(
  x: Executor,
  partition: string,
  uuid: string,
  inodes: bigint | null,
): Promise<void> {
  const more = inodes === null ? [] : ['-N', inodes.toString()];
  await x.exec(['mkfs.ext4', '-q', '-F', '-U', uuid, '-L', 'root', ...more, partition]);
}
