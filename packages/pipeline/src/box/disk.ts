// The work disk of a run on the converter box: a sparse raw file with one
// bootable partition and ext4 with a chosen UUID, reached through a loop
// device. The kernel here has no MSDOS partition parser, so partitions are
// added with partx (docs/platforms.md, "Loop devices: partx"); detach undoes
// it all.
import { mkdir, open, readdir, readFile, readlink } from 'node:fs/promises';
import type { Executor } from '@vzferry/core';

export interface AttachedDisk {
  image: string;
  /** /dev/loopN: the whole disk (grub-install goes here) */
  device: string;
  /** /dev/loopNp1 */
  partition: string;
}

/** A sparse raw file of `bytes` with one bootable Linux partition from 1 MiB. */
export async function createDiskImage(x: Executor, image: string, bytes: number): Promise<void> {
  const fh = await open(image, 'w');
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
  await mkdir(at, { recursive: true });
  await x.exec(['mount', disk.partition, at]);
}

/** fstrim first: qemu-img skips the blocks the file system gave back */
export async function unmountDisk(x: Executor, at: string): Promise<void> {
  await x.exec(['fstrim', at], { allowExitCodes: [0, 1] });
  await x.exec(['umount', at]);
}

export async function convertToQcow2(x: Executor, raw: string, qcow2: string): Promise<void> {
  await x.exec(['qemu-img', 'convert', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
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
