// The work disk of a run on the converter box: a sparse raw file with one
// bootable partition and ext4 with a chosen UUID, reached through a loop
// device. The kernel here has no MSDOS partition parser, so partitions are
// added with partx (docs/platforms.md, "Loop devices: partx"); detach undoes
// it all. The guest's files are hostile: the disk is mounted nosuid,nodev
// (a setuid binary or a device node of the guest gives nothing on the box),
// and the image files are readable by root only (WORK_FILE_MODE).
import { chmod, mkdir, open, readdir, readFile, readlink } from 'node:fs/promises';
import type { Executor } from '@vzferry/core';

export interface AttachedDisk {
  image: string;
  /** /dev/loopN: the whole disk (grub-install goes here) */
  device: string;
  /** /dev/loopNp1 */
  partition: string;
}

/** Directories of the box's work (a run's, the work dir itself): other users may not even look in. */
export const WORK_DIR_MODE = 0o700;
/** Disk images and other work files: a customer's whole file system. */
export const WORK_FILE_MODE = 0o600;
/** How a work disk is mounted: a setuid binary or device node of the guest is only data. */
export const WORK_MOUNT_OPTIONS = 'nosuid,nodev';

/** A directory of the box's work, made or narrowed to WORK_DIR_MODE (mkdir's mode is only for new ones, less the umask). */
export async function workDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: WORK_DIR_MODE });
  await chmod(dir, WORK_DIR_MODE);
}

/** A sparse raw file of `bytes` with one bootable Linux partition from 1 MiB. */
export async function createDiskImage(x: Executor, image: string, bytes: number): Promise<void> {
  const fh = await open(image, 'w', WORK_FILE_MODE);
  await fh.chmod(WORK_FILE_MODE);
  await fh.truncate(bytes);
  await fh.close();
  await x.exec(['sfdisk', '--quiet', image], { stdin: 'label: dos\nstart=2048, type=83, bootable\n' });
}

export async function attachDisk(x: Executor, image: string): Promise<AttachedDisk> {
  const { stdout } = await x.exec(['losetup', '--find', '--show', '--partscan', image]);
  const device = stdout.trim();
  // without a partition parser in the kernel, losetup -P makes no loopNp1
  await x.exec(['partx', '--add', device], { allowExitCodes: [0, 1] });
  const partition = `${device}p1`;
  await x.exec(['udevadm', 'settle'], { allowExitCodes: [0, 1, 127] }).catch(() => undefined);
  return { image, device, partition };
}

export async function detachDisk(x: Executor, disk: AttachedDisk): Promise<void> {
  await x.exec(['partx', '--delete', disk.device], { allowExitCodes: [0, 1] });
  await x.exec(['losetup', '--detach', disk.device], { allowExitCodes: [0, 1] });
}

export async function makeFilesystem(x: Executor, disk: AttachedDisk, uuid: string): Promise<void> {
  await x.exec(['mkfs.ext4', '-q', '-F', '-U', uuid, '-L', 'root', disk.partition]);
}

export async function mountDisk(x: Executor, disk: AttachedDisk, at: string): Promise<void> {
  await mkdir(at, { recursive: true, mode: WORK_DIR_MODE });
  await x.exec(['mount', '-o', WORK_MOUNT_OPTIONS, disk.partition, at]);
}

/** A disk mounted by an earlier version, without WORK_MOUNT_OPTIONS, gets them (remount keeps the rest). */
export async function hardenMount(x: Executor, at: string): Promise<void> {
  await x.exec(['mount', '-o', `remount,${WORK_MOUNT_OPTIONS}`, at]);
}

/** fstrim first: qemu-img skips the blocks the file system gave back */
export async function unmountDisk(x: Executor, at: string): Promise<void> {
  await x.exec(['fstrim', at], { allowExitCodes: [0, 1] });
  await x.exec(['umount', at]);
}

export async function convertToQcow2(x: Executor, raw: string, qcow2: string): Promise<void> {
  await x.exec(['qemu-img', 'convert', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
  // qemu-img creates it with the umask's mode
  await chmod(qcow2, WORK_FILE_MODE);
}

/**
 * One process per mount namespace that has one of these devices mounted
 * (/proc/<pid>/mountinfo: the mount source follows " - <type> "), to name
 * who keeps a work disk's file system alive.
 */
export async function mountHolders(devices: readonly string[]): Promise<Array<{ pid: number; command: string }>> {
  const namespaces = new Set<string>();
  const holders: Array<{ pid: number; command: string }> = [];
  for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
    const info = await readFile(`/proc/${pid}/mountinfo`, 'utf8').catch(() => '');
    if (!info.split('\n').some((line) => devices.includes(line.split(' - ')[1]?.split(' ')[1] ?? ''))) continue;
    const ns = await readlink(`/proc/${pid}/ns/mnt`).catch(() => pid);
    if (namespaces.has(ns)) continue;
    namespaces.add(ns);
    holders.push({ pid: Number(pid), command: (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim() });
  }
  return holders;
}

/**
 * Processes other than this one whose working directory or an open file is
 * at or below `dir`: what a killed worker's children (rsync with its cwd in
 * the mount, writing) still do there, since SIGKILL does not reach them.
 */
export async function processesUsing(dir: string): Promise<Array<{ pid: number; command: string }>> {
  const inside = (p: string) => p === dir || p.startsWith(`${dir}/`);
  const found: Array<{ pid: number; command: string }> = [];
  for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)) {
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    let using = inside(cwd);
    if (!using) {
      const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
      for (const fd of fds) {
        if (inside(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''))) {
          using = true;
          break;
        }
      }
    }
    if (using)
      found.push({ pid: Number(pid), command: (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim() });
  }
  return found;
}
