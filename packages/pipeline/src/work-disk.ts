// Where a run's work lives on the converter box, and getting its disk
// attached and mounted again whatever happened before (a stage may run on a
// restarted worker): <workDir>/<runId>/disk.raw, mounted at .../mnt. The
// file system's UUID is the run id, so the fstab and grub the plan writes
// match the disk without asking it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Executor } from '@vzferry/core';
import { attachDisk, type AttachedDisk, detachDisk, mountDisk } from './box/disk';

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
  return stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** The run's disk, attached and mounted (reusing what is already there). */
export async function ensureMounted(x: Executor, paths: WorkPaths): Promise<AttachedDisk> {
  if (!existsSync(paths.image)) throw new Error(`the work disk ${paths.image} does not exist; run create_disk again`);
  const [device] = await loopsOf(x, paths.image);
  const disk = device ? { image: paths.image, device, partition: `${device}p1` } : await attachDisk(x, paths.image);
  if (device) await x.exec(['partx', '--add', device], { allowExitCodes: [0, 1] });
  if (!(await isMounted(x, paths.mount))) await mountDisk(x, disk, paths.mount);
  return disk;
}

/** Unmounted and detached: nothing of the run holds a loop device any more. */
export async function release(x: Executor, paths: WorkPaths): Promise<void> {
  if (await isMounted(x, paths.mount)) await x.exec(['umount', paths.mount]);
  for (const device of await loopsOf(x, paths.image)) await detachDisk(x, { image: paths.image, device, partition: `${device}p1` });
}
