// What makes the guest boot on KVM: an initramfs with the virtio drivers,
// grub with serial and VGA consoles and root by UUID, and for grub-legacy
// guests (CentOS 4-6) the files the boot ISO installs from (it runs grub
// and mkinitrd inside the VM; a modern converter box cannot).
import type { DetectedOs } from '../detect';
import type { GuestFiles } from '../guest-files';
import { withoutTrailingNewlines } from '../guest-text';
import { BOOT_JOB_PATH, bootJobScript } from './boot-job';
import {
  BOOT_JOB_DIR,
  HEADER,
  KERNEL_CMDLINE,
  VIRTIO_DRIVERS,
  type FileWrite,
  type LegacyBootIso,
  type PlanCommand,
} from './types';

export interface BootChanges {
  write: FileWrite[];
  commands: PlanCommand[];
  legacyBootIso: LegacyBootIso | null;
}

const file = (path: string, content: string): FileWrite => ({ path, content, mode: 0o644 });

export function bootChanges(os: DetectedOs, files: GuestFiles, rootUuid: string): BootChanges {
  if (os.grub === 'legacy') return legacy(os, files, rootUuid);
  const write = [file('/etc/default/grub', defaultGrub(files.read('/etc/default/grub')))];
  const commands: PlanCommand[] = [];
  if (os.initramfs === 'dracut') {
    write.push(
      file(
        '/etc/dracut.conf.d/vzferry-virtio.conf',
        `# ${HEADER}\nadd_drivers+=" ${VIRTIO_DRIVERS.join(' ')} "\nhostonly="no"\n`,
      ),
    );
    commands.push({
      argv: ['dracut', '--force', '--regenerate-all'],
      why: 'an initramfs with the virtio drivers',
      initramfs: true,
    });
    commands.push({ argv: ['grub2-install', '--target=i386-pc', '{disk}'], why: 'the boot loader on the disk' });
    commands.push({
      argv: ['grub2-mkconfig', '-o', '/boot/grub2/grub.cfg'],
      why: 'grub menu for the installed kernel',
    });
    commands.push(rootByUuid('/boot/grub2/grub.cfg', rootUuid));
  } else {
    write.push(file('/etc/initramfs-tools/modules', initramfsModules(files.read('/etc/initramfs-tools/modules'))));
    commands.push({
      argv: ['sh', '-c', INITRAMFS_FOR_KVM],
      why: 'an initramfs with the virtio drivers, built once after every file is in place',
      initramfs: true,
    });
    commands.push({ argv: ['grub-install', '--target=i386-pc', '{disk}'], why: 'the boot loader on the disk' });
    commands.push({ argv: ['update-grub'], why: 'grub menu for the installed kernel' });
    commands.push(rootByUuid('/boot/grub/grub.cfg', rootUuid));
  }
  return { write, commands, legacyBootIso: null };
}

/**
 * The initramfs for the one machine it boots on (a virtio disk, an ext4
 * root): mkinitramfs with the guest's own configuration copied to /run and
 * MODULES=list there, so it holds the guest's listed modules, virtio and
 * ext4 rather than every storage driver of MODULES=most. That is what makes
 * it affordable in the appliance VM without KVM (about 10x fewer files to
 * gather and compress). The guest's own MODULES= stays as it was for its
 * next kernel, and update-initramfs's checksum record is written as it
 * would write it, so a later update-initramfs -u rebuilds it the guest's way.
 */
export const INITRAMFS_FOR_KVM = [
  'set -e',
  'conf=/run/vzferry-initramfs',
  'rm -rf "$conf"',
  'cp -a /etc/initramfs-tools "$conf"',
  'mkdir -p "$conf/conf.d" /var/lib/initramfs-tools',
  'echo MODULES=list > "$conf/conf.d/zz-vzferry-kvm"',
  `printf '%s\\n' ext4 crc32c_generic ${VIRTIO_DRIVERS.join(' ')} >> "$conf/modules"`,
  'for k in $(ls /lib/modules); do',
  '  mkinitramfs -d "$conf" -o "/boot/initrd.img-$k" "$k"',
  '  sha1sum "/boot/initrd.img-$k" > "/var/lib/initramfs-tools/$k"',
  'done',
  'rm -rf "$conf"',
].join('\n');

/** grub-mkconfig without udev (the appliance VM) writes root=/dev/vda1; the VM needs the UUID (docs/platforms.md, "No udev in the appliance") */
function rootByUuid(cfg: string, uuid: string): PlanCommand {
  return {
    argv: ['sed', '-i', '-E', `s#root=/dev/[A-Za-z0-9/]+#root=UUID=${uuid}#g`, cfg],
    why: "root by UUID, not by the converter box's loop device",
  };
}

function defaultGrub(existing: string | null): string {
  const set: Record<string, string> = {
    GRUB_TIMEOUT: '2',
    GRUB_CMDLINE_LINUX: `"${KERNEL_CMDLINE}"`,
    GRUB_CMDLINE_LINUX_DEFAULT: '""',
    GRUB_TERMINAL: '"console serial"',
    GRUB_SERIAL_COMMAND: '"serial --speed=115200 --unit=0 --word=8 --parity=no --stop=1"',
    GRUB_DISABLE_OS_PROBER: 'true',
  };
  const lines = (existing ?? 'GRUB_DEFAULT=0\nGRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\n')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const out = lines.map((l) => {
    const key = /^#?\s*([A-Z_]+)=/.exec(l)?.[1];
    if (key && key in set) {
      const v = set[key]!;
      delete set[key];
      return `${key}=${v}`;
    }
    return l;
  });
  return `${[...out, ...Object.entries(set).map(([k, v]) => `${k}=${v}`)].join('\n')}\n`;
}

function initramfsModules(existing: string | null): string {
  const lines = withoutTrailingNewlines(
    existing ?? '# List of modules that you want to include in your initramfs.\n',
  ).split('\n');
  const missing = VIRTIO_DRIVERS.filter((d) => !lines.some((l) => l.trim() === d));
  return `${[...lines, ...(missing.length ? [`# virtio for KVM (vzferry)`, ...missing] : [])].join('\n')}\n`;
}

function legacy(os: DetectedOs, files: GuestFiles, rootUuid: string): BootChanges {
  const major = Number(os.version);
  const write: FileWrite[] = [];
  // the boot ISO installs grub 0.97 from this menu; the kernel lines are filled by the ISO from /boot
  const grubConf = [
    `# ${HEADER}`,
    'default=0',
    'timeout=2',
    'serial --unit=0 --speed=115200',
    'terminal --timeout=2 console serial',
    `# kernel arguments: root=UUID=${rootUuid} ${KERNEL_CMDLINE}`,
    '',
  ].join('\n');
  write.push(file('/boot/grub/grub.conf', grubConf));
  write.push(file('/boot/grub/device.map', '(hd0) /dev/vda\n'));
  if (major >= 6) {
    write.push(
      file('/etc/dracut.conf.d/vzferry-virtio.conf', `# ${HEADER}\nadd_drivers+=" ${VIRTIO_DRIVERS.join(' ')} "\n`),
    );
  } else {
    // mkinitrd reads the scsi_hostadapter aliases: virtio_blk goes into the initrd
    const own = withoutTrailingNewlines(files.read('/etc/modprobe.conf') ?? '');
    const modprobe = own === '' ? '' : `${own}\n`;
    const aliases = modprobe.includes('virtio_blk') ? '' : 'alias scsi_hostadapter virtio_blk\nalias eth0 virtio_net\n';
    write.push(file('/etc/modprobe.conf', `${modprobe}${aliases}`));
  }
  write.push(file('/etc/sysconfig/kernel', 'UPDATEDEFAULT=yes\nDEFAULTKERNEL=kernel\n'));
  const grubConfPath = '/boot/grub/grub.conf';
  write.push({ path: BOOT_JOB_PATH, content: bootJobScript({ major, rootUuid, grubConf: grubConfPath }), mode: 0o755 });
  return {
    write,
    commands: [],
    legacyBootIso: {
      rootUuid,
      grubConf: grubConfPath,
      initrdDrivers: major >= 5 ? VIRTIO_DRIVERS.slice(0, 3) : [],
      kernelPackages: os.kernelPackages,
      job: BOOT_JOB_PATH,
      callbackFile: `${BOOT_JOB_DIR}/callback`,
      switchToVirtio: major >= 5,
    },
  };
}
