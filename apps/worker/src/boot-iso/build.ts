// Builds the vzferry boot ISO: Debian's stock kernel and a busybox initramfs
// whose /init (init.sh) runs a job inside a grub-legacy guest's own disk,
// calls back to the migration manager and powers off. Boots with isolinux
// (BIOS, El Torito no-emulation), the console on tty0 and ttyS0, no prompt.
// The same kernel and initramfs are also written to the appliance directory:
// the converter box boots them under QEMU to run a guest's own binaries
// (appliance.sh; packages/pipeline/src/box/appliance.ts).
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { ExecError } from '@vzferry/core';
import path from 'node:path';
import { APPLIANCE_PVH_KERNEL, fileSha256, LocalExecutor } from '@vzferry/pipeline';
import { buildInitramfs } from './initramfs';
import { fetchKernelDeb, unpackKernelDeb } from './kernel-package';
import { writePvhKernel } from './pvh-kernel';
import { fixMtimes } from './reproducible-tree';

export const BOOT_ISO_VOLUME_ID = 'VZFERRY_BOOT';
const ISOLINUX_BIN = '/usr/lib/ISOLINUX/isolinux.bin';
const LDLINUX_C32 = '/usr/lib/syslinux/modules/bios/ldlinux.c32';

// prompt 0: boot the default at once; no menu, nobody at the console
const ISOLINUX_CFG = `default vzferry
prompt 0
timeout 1
label vzferry
  kernel /boot/vmlinuz
  append initrd=/boot/initrd.gz console=tty0 console=ttyS0,115200n8
`;

export interface BuildBootIsoOptions {
  out: string;
  /** a linux-image-*-amd64 .deb to use instead of Debian's current one */
  kernelDeb?: string;
  /** where the downloaded kernel package is kept (default ~/.cache/vzferry/boot-iso) */
  cacheDir?: string;
  log?: (line: string) => void;
  /** the mtime of every file in the image, in seconds (fixed, so builds repeat byte for byte) */
  epoch?: number;
  /** where the guest-job appliance's vmlinuz and initrd.gz go (default: vzferry-appliance next to out) */
  applianceDir?: string;
}

export interface BootIso {
  path: string;
  sha256: string;
  bytes: number;
  kernelVersion: string;
  /** the appliance's vmlinuz (and its vmlinux for a PVH boot) and initrd.gz */
  applianceDir: string;
}

/** The guest-job appliance next to a boot ISO: the worker's default. */
export function defaultApplianceDir(iso: string): string {
  return path.join(path.dirname(path.resolve(iso)), 'vzferry-appliance');
}

export async function buildBootIso(opts: BuildBootIsoOptions): Promise<BootIso> {
  const log = opts.log ?? (() => undefined);
  const x = new LocalExecutor();
  const epoch = opts.epoch ?? 0;
  const out = path.resolve(opts.out);
  await mkdir(path.dirname(out), { recursive: true });
  // next to the output, not in /tmp: the unpacked kernel package is ~400 MB
  const work = await mkdtemp(path.join(path.dirname(out), '.vzferry-boot-iso-'));
  const partial = `${out}.partial-${process.pid}`;
  try {
    const cacheDir = opts.cacheDir ?? path.join(os.homedir(), '.cache/vzferry/boot-iso');
    await mkdir(cacheDir, { recursive: true });
    const deb = opts.kernelDeb ? path.resolve(opts.kernelDeb) : await fetchKernelDeb(x, cacheDir, log);
    const kernel = await unpackKernelDeb(x, deb, path.join(work, 'kernel'));
    log(`kernel: ${kernel.version} from ${path.basename(deb)}`);

    const iso = path.join(work, 'iso');
    await mkdir(path.join(iso, 'isolinux'), { recursive: true });
    await mkdir(path.join(iso, 'boot'));
    const initramfsWork = path.join(work, 'initramfs');
    await mkdir(initramfsWork);
    const modules = await buildInitramfs(x, {
      kernel,
      work: initramfsWork,
      out: path.join(iso, 'boot/initrd.gz'),
      epoch,
    });
    log(`initramfs: busybox, ${modules.length} modules (${modules.join(' ')})`);
    await copyFile(kernel.vmlinuz, path.join(iso, 'boot/vmlinuz'));
    await copyIsolinux(iso);
    await fixMtimes(iso, epoch);

    // SOURCE_DATE_EPOCH: xorriso then writes fixed volume dates and ids
    await x.exec(
      [
        'xorriso',
        '-as',
        'mkisofs',
        '-quiet',
        '-o',
        partial,
        '-V',
        BOOT_ISO_VOLUME_ID,
        '-r',
        '-J',
        '-b',
        'isolinux/isolinux.bin',
        '-c',
        'isolinux/boot.cat',
        '-no-emul-boot',
        '-boot-load-size',
        '4',
        '-boot-info-table',
        iso,
      ],
      { env: { SOURCE_DATE_EPOCH: String(epoch) } },
    );
    const sha256 = await fileSha256(partial);
    const { size } = await stat(partial);
    await rename(partial, out);
    log(`iso: ${out} (${size} bytes, sha256 ${sha256})`);
    const applianceDir = path.resolve(opts.applianceDir ?? defaultApplianceDir(out));
    await writeAppliance(x, iso, kernel, applianceDir);
    log(
      `appliance: ${applianceDir} (vmlinuz${existsSync(path.join(applianceDir, APPLIANCE_PVH_KERNEL)) ? ', vmlinux' : ''}, initrd.gz)`,
    );
    return { path: out, sha256, bytes: size, kernelVersion: kernel.version, applianceDir };
  } catch (e) {
    throw missingToolHint(e);
  } finally {
    await rm(partial, { force: true });
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * vmlinuz and initrd.gz, each replaced whole (a worker may be booting the
 * old ones), and the kernel unpacked for a PVH boot (vmlinux) when it has
 * that entry (pvh-kernel.ts); an old vmlinux goes first when the new kernel
 * has none, so it never boots with another kernel's initramfs.
 */
async function writeAppliance(
  x: LocalExecutor,
  iso: string,
  kernel: { vmlinuz: string; version: string },
  dir: string,
): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const vmlinux = path.join(dir, APPLIANCE_PVH_KERNEL);
  const unpacked = path.join(dir, `.${APPLIANCE_PVH_KERNEL}.partial-${process.pid}`);
  const config = path.join(path.dirname(kernel.vmlinuz), `config-${kernel.version}`);
  try {
    if (!(await writePvhKernel(x, { bzImage: kernel.vmlinuz, config, out: unpacked })))
      await rm(vmlinux, { force: true });
    for (const name of ['vmlinuz', 'initrd.gz']) {
      const partial = path.join(dir, `.${name}.partial-${process.pid}`);
      await copyFile(path.join(iso, 'boot', name), partial);
      await rename(partial, path.join(dir, name));
    }
    if (existsSync(unpacked)) await rename(unpacked, vmlinux);
  } finally {
    await rm(unpacked, { force: true });
  }
}

async function copyIsolinux(iso: string): Promise<void> {
  for (const [from, name] of [
    [ISOLINUX_BIN, 'isolinux.bin'],
    [LDLINUX_C32, 'ldlinux.c32'],
  ] as const) {
    await copyFile(from, path.join(iso, 'isolinux', name)).catch((e: NodeJS.ErrnoException) => {
      throw new Error(
        `${from} is missing (${e.code}): install isolinux and syslinux-common (sh scripts/system-packages.sh)`,
      );
    });
  }
  await writeFile(path.join(iso, 'isolinux/isolinux.cfg'), ISOLINUX_CFG);
}

/** a tool that is not installed says which packages bring it */
function missingToolHint(e: unknown): unknown {
  if (!(e instanceof ExecError) || e.code !== null || !/could not start/.test(e.message)) return e;
  return new Error(
    `${e.argv[0]} is not installed: run \`sh scripts/system-packages.sh\` as root (the boot ISO needs xorriso, isolinux, syslinux-common, kmod, cpio, xz-utils, busybox-static)`,
  );
}
