#!/bin/sh
# Installs the system tools the product and its tests use (Debian/Ubuntu, as
# root), only those that are missing. Elsewhere it names what is missing.
set -eu
need=""
# check <command or absolute path of a file> <package>
check() {
  case $1 in
    /*) [ -e "$1" ] || need="$need $2" ;;
    *) command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || need="$need $2" ;;
  esac
}
check sshd openssh-server
check ssh openssh-client
check rsync rsync
check qemu-img qemu-utils
check qemu-system-x86_64 qemu-system-x86
check debootstrap debootstrap
check chromium chromium
check nginx nginx
check sfdisk fdisk
check mkfs.ext4 e2fsprogs
check partx util-linux
check ip iproute2
check xz xz-utils
check zstd zstd
check busybox busybox-static
check ping iputils-ping
# the boot ISO for grub-legacy guests (apps/worker/src/boot-iso)
check xorriso xorriso
check /usr/lib/ISOLINUX/isolinux.bin isolinux
check /usr/lib/syslinux/modules/bios/ldlinux.c32 syslinux-common
check depmod kmod
check cpio cpio
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-packages: installing$need"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need ca-certificates >/dev/null
else
  echo "system-packages: missing$need; install them (Debian: apt-get install$need)" >&2
  exit 1
fi
