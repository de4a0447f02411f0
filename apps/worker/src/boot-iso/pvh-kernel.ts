// The appliance's kernel without its compression, for QEMU's PVH boot.
// Debian's bzImage holds an xz-compressed vmlinux that the kernel unpacks
// itself before it starts: under TCG that took 3 of the 7.5 s an appliance
// job costs before any guest command runs (bench/README.md, "The
// appliance's cost"). QEMU boots an uncompressed vmlinux directly when the
// kernel has a PVH entry point (CONFIG_PVH, set in Debian's kernels), so
// the box unpacks it once, here, like scripts/extract-vmlinux of the kernel
// sources does: the xz stream starts at its magic inside the bzImage.
import { open, readFile } from 'node:fs/promises';
import type { Executor } from '@vzferry/core';

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** the kernel's build config says it can be entered through PVH */
export function hasPvhEntry(kernelConfig: string): boolean {
  return /^CONFIG_PVH=y$/m.test(kernelConfig);
}

/** where the xz stream starts in a bzImage, or -1 */
export function xzStreamOffset(bzImage: Buffer): number {
  return bzImage.indexOf(XZ_MAGIC);
}

/**
 * Writes the uncompressed vmlinux (an ELF) of `bzImage` to `out` when its
 * config has a PVH entry and its payload is xz; false otherwise (the
 * appliance then boots the bzImage, as before).
 */
export async function writePvhKernel(
  x: Executor,
  opts: { bzImage: string; config: string; out: string },
): Promise<boolean> {
  const config = await readFile(opts.config, 'utf8').catch(() => '');
  if (!hasPvhEntry(config)) return false;
  const image = await readFile(opts.bzImage);
  const offset = xzStreamOffset(image);
  if (offset < 0) return false;
  // --single-stream: the bzImage's bytes after the stream are not xz's; the pipe's status is xz's
  const unpack = 'tail -c +"$1" "$2" | xz -dc --single-stream > "$3"';
  await x.exec(['sh', '-c', unpack, 'sh', String(offset + 1), opts.bzImage, opts.out]);
  const head = Buffer.alloc(4);
  const file = await open(opts.out, 'r');
  await file.read(head, 0, 4, 0).finally(() => file.close());
  if (!head.equals(ELF_MAGIC)) throw new Error(`${opts.bzImage}: its xz payload is not an ELF vmlinux`);
  return true;
}
