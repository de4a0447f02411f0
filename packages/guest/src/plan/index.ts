// The conversion plan of one guest: a pure function of its detected OS, its
// relevant files and its network after migration. The worker executes it in
// a chroot on the mounted disk (backup, write, remove, link, install, run).
import { detectOs, type DetectedOs } from '../detect';
import type { GuestFiles } from '../guest-files';
import type { GuestNetwork } from '../network-model';
import { bootChanges } from './boot';
import { cloudstackChanges } from './cloudstack';
import { consoleChanges } from './consoles';
import { fstab } from './fstab';
import { networkChanges } from './network';
import { BACKUP_DIR, HEADER, KERNEL_CMDLINE, type ConversionPlan, type FileWrite, type PlanCommand } from './types';

export * from './types';
export * from './boot-job';
export { configDiff, MAX_DIFF_LINES } from './config-diff';

export interface PlanInput {
  files: GuestFiles;
  network: GuestNetwork;
  rootUuid: string;
  fsType?: string;
  /** already detected (detect_os stored it); detected from `files` otherwise */
  os?: DetectedOs;
}

export function planConversion(input: PlanInput): ConversionPlan {
  const { files, network, rootUuid } = input;
  const os = input.os ?? detectOs(files);
  if (network.nics.length === 0) throw new Error('the guest has no NIC in its network plan');
  const net = networkChanges(os, files, network);
  const boot = bootChanges(os, files, rootUuid);
  const consoles = consoleChanges(os, files);
  const cloud = cloudstackChanges(os, files);
  const left = leftovers(os, files);

  const write: FileWrite[] = [
    { path: '/etc/fstab', content: fstab(os, files.read('/etc/fstab'), rootUuid, input.fsType ?? 'ext4'), mode: 0o644 },
    ...net.write,
    ...boot.write,
    ...consoles.write,
    ...cloud.write,
  ];
  const dup = write.find((w, i) => write.findIndex((x) => x.path === w.path) !== i);
  if (dup) throw new Error(`the plan writes ${dup.path} twice`);
  const remove = [...new Set([...net.remove, ...consoles.remove, ...left.remove])].sort();
  const packages = [
    ...new Set([
      ...os.kernelPackages,
      ...os.bootloaderPackages,
      ...(os.initramfs === 'dracut' ? ['dracut'] : os.initramfs === 'initramfs-tools' ? ['initramfs-tools'] : []),
      ...net.packages,
    ]),
  ];
  // the initramfs and grub come last: they must see every file written before
  const commands: PlanCommand[] = [...left.commands, ...consoles.commands, ...cloud.commands, ...boot.commands];
  const backup = [...new Set([...write.map((w) => w.path), ...remove, ...Object.keys(left.links)])]
    .filter((p) => files.exists(p))
    .sort();
  return {
    os,
    backupDir: BACKUP_DIR,
    backup,
    write: write.sort((a, b) => a.path.localeCompare(b.path)),
    remove,
    carried: net.carried,
    links: left.links,
    packages,
    commands,
    kernelCmdline: KERNEL_CMDLINE,
    legacyBootIso: boot.legacyBootIso,
  };
}

/** OpenVZ's own bits a VM must not keep (docs/platforms.md, "OpenVZ leftovers"). */
function leftovers(
  os: DetectedOs,
  files: GuestFiles,
): { remove: string[]; links: Record<string, string>; commands: PlanCommand[] } {
  const remove: string[] = [];
  if (files.exists('/etc/init.d/vzquota')) remove.push('/etc/init.d/vzquota');
  for (let rl = 0; rl <= 6; rl++) {
    for (const dir of [`/etc/rc${rl}.d`, `/etc/rc.d/rc${rl}.d`]) {
      for (const f of files.list(dir)) if (/^[SK]\d\dvzquota$/.test(f)) remove.push(`${dir}/${f}`);
    }
  }
  // systemd wants /etc/mtab to be the kernel's list; OpenVZ guests often have a plain file
  const links: Record<string, string> = {};
  if (os.init === 'systemd' && files.read('/etc/mtab') !== null) links['/etc/mtab'] = '../proc/self/mounts';
  return { remove, links, commands: [] };
}

export { HEADER };
