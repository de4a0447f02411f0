import { z } from 'zod';
import { detectedOsSchema } from '../detect';

export const fileWriteSchema = z.object({
  path: z.string(),
  content: z.string(),
  mode: z.number().int(),
});
export type FileWrite = z.infer<typeof fileWriteSchema>;

export const planCommandSchema = z.object({
  /** argv run in the chroot; "{disk}" stands for the whole disk's device (grub-install) */
  argv: z.array(z.string()),
  why: z.string(),
  /** Builds the initramfs: the slow part of make_bootable (the run log says so). */
  initramfs: z.literal(true).optional(),
});
export type PlanCommand = z.infer<typeof planCommandSchema>;

/**
 * What make_bootable's job is made from: the initramfs's inputs, the
 * kernels and boot loader in /boot, grub's configuration and modules, the
 * units it enables and the package databases it asks. The job runs on the
 * live copy before the downtime; a change here in the final sync means
 * running it again in the downtime.
 */
export const BOOT_INPUTS = [
  '/boot',
  '/etc/default/grub',
  '/etc/grub.d',
  '/usr/lib/grub',
  '/etc/systemd/system',
  '/lib/modules',
  '/usr/lib/modules',
  '/etc/initramfs-tools',
  '/usr/share/initramfs-tools',
  '/etc/dracut.conf',
  '/etc/dracut.conf.d',
  '/usr/lib/dracut',
  '/etc/modprobe.d',
  '/lib/modprobe.d',
  '/usr/lib/modprobe.d',
  '/etc/modprobe.conf',
  '/etc/crypttab',
  '/var/lib/dpkg/status',
  '/var/lib/rpm',
];

/** The units the plan enables with systemctl (consoles.ts, cloudstack.ts). */
export const ENABLED_UNITS = {
  consoles: ['getty@tty1.service', 'serial-getty@ttyS0.service'],
  cloudstack: ['cloud-set-guest-password.service', 'cloud-set-guest-sshkey.service'],
} as const;

/**
 * What make_bootable's job writes (rsync patterns): the initramfs, the boot
 * loader's directory and the links of the units it enables. Once the job
 * ran before the downtime, the final sync leaves them alone: neither sent
 * from the container nor deleted.
 */
export const BOOT_OUTPUTS = [
  '/boot/initrd.img-*',
  '/boot/initramfs-*',
  '/var/lib/initramfs-tools/',
  '/boot/grub/',
  '/boot/grub2/',
  ...[...ENABLED_UNITS.consoles, ...ENABLED_UNITS.cloudstack].map((u) => `/etc/systemd/system/*.wants/${u}`),
];

/** What the boot ISO of a grub-legacy guest needs to know (docs/architecture.md, "Field lessons"). */
export const legacyBootIsoSchema = z.object({
  rootUuid: z.string(),
  grubConf: z.string(),
  initrdDrivers: z.array(z.string()),
  kernelPackages: z.array(z.string()),
  /** the script the ISO runs in the guest's chroot (boot-job.ts) */
  job: z.string(),
  /** where the converter puts the callback URL and token for the ISO */
  callbackFile: z.string(),
  /** after the ISO: the VM moves to the virtio OS type (CentOS 4 stays on IDE and e1000) */
  switchToVirtio: z.boolean(),
});
export type LegacyBootIso = z.infer<typeof legacyBootIsoSchema>;

/** A conversion plan; stored on the run as JSON and checked with this schema when read back. */
export const conversionPlanSchema = z.object({
  os: detectedOsSchema,
  /** where inside the guest the originals of changed and removed files are kept */
  backupDir: z.string(),
  /** existing files the plan changes or removes (the backup list) */
  backup: z.array(z.string()),
  write: z.array(fileWriteSchema),
  remove: z.array(z.string()),
  /** removed files whose customer lines the plan moved into a written file (route-venet0 -> route-eth0) */
  carried: z.record(z.string(), z.string()).default({}),
  /** symlinks to create: path -> target */
  links: z.record(z.string(), z.string()),
  /** installed with the guest's package manager if missing (prepare_source installs them in the running container) */
  packages: z.array(z.string()),
  commands: z.array(planCommandSchema),
  kernelCmdline: z.string(),
  legacyBootIso: legacyBootIsoSchema.nullable(),
});
export type ConversionPlan = z.infer<typeof conversionPlanSchema>;

export const BACKUP_DIR = '/root/vzferry-backup';
/** the boot ISO's job and callback inside a grub-legacy guest */
export const BOOT_JOB_DIR = '/root/vzferry-boot';
export const KERNEL_CMDLINE = 'console=tty0 console=ttyS0,115200n8 net.ifnames=0 biosdevname=0';
export const VIRTIO_DRIVERS = ['virtio_pci', 'virtio_blk', 'virtio_net', 'virtio_scsi'];
export const HEADER = 'written by vzferry for the KVM guest (originals of changed files: /root/vzferry-backup)';
