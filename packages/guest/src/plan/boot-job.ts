// The job the boot ISO runs inside a grub-legacy guest (CentOS 4-6), in a
// chroot of the guest's own disk, on the VM itself: the guest's own mkinitrd
// or dracut builds an initrd with the virtio drivers, and the guest's own grub
// 0.97 goes into the disk's MBR. A modern converter box cannot do either
// (docs/architecture.md, "Field lessons"). The ISO passes the whole disk's
// device ($1, e.g. /dev/sda), logs the output and calls back with the exit
// status.
//
// Re-runnable: the menu's entries are rewritten, not appended to.
import { BOOT_JOB_DIR, KERNEL_CMDLINE, VIRTIO_DRIVERS } from './types';

export const BOOT_JOB_PATH = `${BOOT_JOB_DIR}/job.sh`;

export interface BootJobInput {
  /** CentOS major version: 4, 5 or 6 */
  major: number;
  rootUuid: string;
  grubConf: string;
}

export function bootJobScript({ major, rootUuid, grubConf }: BootJobInput): string {
  const initrd = major >= 6 ? '/boot/initramfs-$kver.img' : '/boot/initrd-$kver.img';
  // CentOS 4's nash finds the root file system by label only (docs/platforms.md, "Grub-legacy guests")
  const root = major >= 5 ? `UUID=${rootUuid}` : 'LABEL=/';
  return `#!/bin/sh
# written by vzferry: the boot ISO runs this in the guest's chroot on the VM
# (CentOS ${major}, grub 0.97). $1 is the whole disk, e.g. /dev/sda.
set -e
disk="$1"
[ -b "$disk" ] || { echo "vzferry job: $disk is not a block device" >&2; exit 2; }
# the kernel prepare_source installed: the newest /boot/vmlinuz-*
kernel=$(ls -t /boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$kernel" ] || { echo "vzferry job: no kernel in /boot" >&2; exit 3; }
kver="\${kernel#/boot/vmlinuz-}"
[ -d "/lib/modules/$kver" ] || { echo "vzferry job: no /lib/modules/$kver for $kernel" >&2; exit 3; }
echo "vzferry job: kernel $kver, disk $disk"
${initrdCommand(major)}
${major >= 5 ? '' : 'e2label "${disk}1" /\n'}# the menu: the header the converter wrote, then one entry for this kernel
sed -i '/^title /,$d' ${grubConf}
cat >> ${grubConf} <<EOF
title CentOS ($kver)
	root (hd0,0)
	kernel /boot/vmlinuz-$kver ro root=${root} ${KERNEL_CMDLINE}
	initrd ${initrd}
EOF
ln -sf grub.conf /boot/grub/menu.lst
# grub 0.97's stages from the guest's own package, then into the MBR
for f in /usr/share/grub/*/stage1 /usr/share/grub/*/stage2 /usr/share/grub/*/*_stage1_5; do
  if [ -e "$f" ]; then cp -p "$f" /boot/grub/; fi
done
echo "(hd0) $disk" > /boot/grub/device.map
out=$(printf 'root (hd0,0)\\nsetup (hd0)\\nquit\\n' | grub --batch --no-floppy --device-map=/boot/grub/device.map 2>&1) || { echo "$out"; exit 4; }
echo "$out"
# grub's shell exits 0 even when setup failed: its output says so
if echo "$out" | grep -q 'Error [0-9]'; then echo "vzferry job: grub setup failed" >&2; exit 4; fi
${major >= 5 ? 'echo "(hd0) /dev/vda" > /boot/grub/device.map\n' : ''}echo "vzferry job: done"
`;
}

function initrdCommand(major: number): string {
  if (major >= 6) return 'dracut -f "/boot/initramfs-$kver.img" "$kver"';
  if (major === 5)
    return `mkinitrd -f ${VIRTIO_DRIVERS.slice(0, 3)
      .map((d) => `--with=${d}`)
      .join(' ')} "/boot/initrd-$kver.img" "$kver"`;
  // CentOS 4 stays on IDE and e1000: its kernels mostly lack virtio
  return 'mkinitrd -f "/boot/initrd-$kver.img" "$kver"';
}
