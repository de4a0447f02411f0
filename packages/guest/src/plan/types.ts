import type { DetectedOs } from '../detect';

export interface FileWrite {
  path: string;
  content: string;
  mode: number;
}

export interface PlanCommand {
  /** argv run in the chroot; "{disk}" stands for the whole disk's device (grub-install) */
  argv: string[];
  why: string;
}

/** What the boot ISO of a grub-legacy guest needs to know (DESIGN.md field lesson). */
export interface LegacyBootIso {
  rootUuid: string;
  grubConf: string;
  initrdDrivers: string[];
  kernelPackages: string[];
}

export interface ConversionPlan {
  os: DetectedOs;
  /** where inside the guest the originals of changed and removed files are kept */
  backupDir: string;
  /** existing files the plan changes or removes (the backup list) */
  backup: string[];
  write: FileWrite[];
  remove: string[];
  /** symlinks to create: path -> target */
  links: Record<string, string>;
  /** installed with the guest's package manager if missing (prepare_source installs them in the running container) */
  packages: string[];
  commands: PlanCommand[];
  kernelCmdline: string;
  legacyBootIso: LegacyBootIso | null;
}

export const BACKUP_DIR = '/root/vzferry-backup';
export const KERNEL_CMDLINE = 'console=tty0 console=ttyS0,115200n8 net.ifnames=0 biosdevname=0';
export const VIRTIO_DRIVERS = ['virtio_pci', 'virtio_blk', 'virtio_net', 'virtio_scsi'];
export const HEADER = 'written by vzferry for the KVM guest (originals of changed files: /root/vzferry-backup)';
