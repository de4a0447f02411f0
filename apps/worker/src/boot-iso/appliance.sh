#!/bin/sh
# The guest-job appliance: the boot ISO's kernel and initramfs booted by the
# converter box's QEMU with "vzferry.appliance" on the kernel command line
# (init.sh execs this as PID 1). It is where a guest's own binaries run
# (package queries, update-initramfs, dracut, grub-install, maintainer
# scripts and the hooks they call), never on the converter box: the VM has
# no network, no host share and sees only three virtio disks:
#
#   /dev/vda  the run's work disk (the guest's file system on vda1)
#   /dev/vdb  the job, read-only: text lines, up to a line "end"
#               env <base64 KEY=VALUE>            for every command
#               cmd <0|1> <base64 arg>...         1: a failure does not stop the job
#                                                 (an empty argument is "-")
#   /dev/vdc  the result, written here: text lines, up to a line "end"
#               cmd <index> <status> <base64 stdout tail> <base64 stderr tail>
#               changed <base64 path>             files whose mtime moved (capped)
#               truncated                         the list of changed files was capped
#
# Each command runs chrooted into the guest with only the job's environment
# (env -i), the appliance's own /proc, /sys and /dev inside. Its output is
# also printed on the serial console as it comes ("vzferry-appliance: out: "
# and "err: "), which the converter box streams into the run log. The job
# stops at the first command that fails (unless marked 1). Then the guest is
# unmounted and the VM powers off.

PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH
GUEST=/mnt/guest
ASIDE=
TAIL_BYTES=8192
MAX_CHANGED=20000

say() { echo "vzferry-appliance: $*"; }
prefixed() {
  while IFS= read -r line || [ -n "$line" ]; do say "$1$line"; done
}
b64() { base64 -w 0; }
# one argument back from base64, into $v; "$(...)" drops trailing newlines, so a "." is added and removed
decode() {
  v=
  [ "$1" = - ] && return 0
  v=$(echo "$1" | base64 -d; echo .)
  v=${v%.}
}

power_off() {
  sync
  for m in $(awk -v g="$GUEST/" 'index($2, g) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
  done
  for d in $ASIDE; do
    rmdir "$GUEST/$d" && mv "$GUEST/$d.vzferry-aside" "$GUEST/$d"
  done
  umount "$GUEST" 2>/dev/null || umount -l "$GUEST" 2>/dev/null
  sync
  say "powering off"
  poweroff -f
  while :; do sleep 3600; done
}

# the result so far goes to /dev/vdc; "end" marks it complete
finish() {
  echo end >>/tmp/result
  dd if=/tmp/result of=/dev/vdc bs=4096 conv=fsync 2>/dev/null || say "could not write the result"
  power_off
}

mount -t proc proc /proc 2>/dev/null
mount -t sysfs sysfs /sys 2>/dev/null
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mkdir -p /tmp /run "$GUEST"
say "started on $(uname -r)"
for m in virtio_pci virtio_blk crc32c_generic ext4; do modprobe "$m" 2>/dev/null; done
echo "VZFERRY-RESULT 1" >/tmp/result

tries=0
until [ -b /dev/vda1 ] && [ -b /dev/vdb ] && [ -b /dev/vdc ]; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    say "the work disk, job and result disks did not appear: $(awk 'NR > 2 { printf "%s ", $4 }' /proc/partitions)"
    echo "error no-disks" >>/tmp/result
    finish
  fi
  sleep 1
done

# nodev: the guest's own device nodes give no way to the appliance's disks
if ! mount -t ext4 -o rw,nodev /dev/vda1 "$GUEST"; then
  echo "error no-guest-fs" >>/tmp/result
  finish
fi
# the chroot's mount points: a link or a file the guest left there (aimed
# anywhere) is set aside for the job and put back before power-off
for d in proc sys dev run; do
  if [ -L "$GUEST/$d" ] || { [ -e "$GUEST/$d" ] && [ ! -d "$GUEST/$d" ]; }; then
    mv "$GUEST/$d" "$GUEST/$d.vzferry-aside" && ASIDE="$ASIDE $d"
  fi
  mkdir -p "$GUEST/$d"
done
mount -t proc proc "$GUEST/proc"
mount -t sysfs sysfs "$GUEST/sys"
mount -t devtmpfs devtmpfs "$GUEST/dev"
mount -t tmpfs tmpfs "$GUEST/run"
ip link set lo up 2>/dev/null

# package scripts must not start the guest's services here
POLICY=$GUEST/usr/sbin/policy-rc.d
SAVED=
if [ -e "$POLICY" ] || [ -L "$POLICY" ]; then
  SAVED=$POLICY.vzferry-saved
  mv "$POLICY" "$SAVED"
fi
mkdir -p "$GUEST/usr/sbin"
printf '#!/bin/sh\n# vzferry: no service starts while the guest is converted\nexit 101\n' >"$POLICY"
chmod 755 "$POLICY"

sed '/^end$/q' /dev/vdb >/tmp/job
grep '^env ' /tmp/job | cut -d ' ' -f 2 >/tmp/env
STAMP=/run/vzferry-stamp
# a second back: busybox find -newer compares whole seconds
touch -d "@$(($(date +%s) - 1))" "$STAMP"

# The guest's own file for a command name, searched in the job's PATH inside
# the guest: busybox's chroot would otherwise run its own applet of that name
# (rpm, sed, sh) instead of the guest's program. Prints nothing if the guest
# has none.
GUEST_PATH=/usr/sbin:/usr/bin:/sbin:/bin
in_guest() {
  case $1 in */*)
    echo "$1"
    return
    ;;
  esac
  for d in $(echo "$GUEST_PATH" | tr ':' ' '); do
    if [ -e "$GUEST$d/$1" ] || [ -L "$GUEST$d/$1" ]; then
      echo "$d/$1"
      return
    fi
  done
}

i=0
while read -r kind mayfail rest; do
  [ "$kind" = cmd ] || continue
  set -- env -i
  for e in $(cat /tmp/env); do
    decode "$e"
    case $v in PATH=*) GUEST_PATH=${v#PATH=} ;; esac
    set -- "$@" "$v"
  done
  set -- "$@" chroot "$GUEST"
  first=1
  cmdpath=
  for a in $rest; do
    decode "$a"
    if [ "$first" = 1 ]; then
      name=$v
      cmdpath=$(in_guest "$v")
      v=$cmdpath
      first=0
    fi
    set -- "$@" "$v"
  done
  say "command $i"
  rm -f /tmp/status
  if [ -z "$cmdpath" ]; then
    : >/tmp/out
    echo "$name: not found in the guest" | tee /tmp/err | prefixed "err: "
    echo 127 >/tmp/status
  else
    # stdout and stderr apart (fd 3 swaps them), each kept and printed as it comes
    { { "$@" </dev/null 2>&1 1>&3 3>&-; echo $? >/tmp/status; } | tee /tmp/err | prefixed "err: " >/dev/console; } 3>&1 | tee /tmp/out | prefixed "out: "
  fi
  status=$(cat /tmp/status 2>/dev/null)
  status=${status:-255}
  echo "cmd $i $status $(tail -c $TAIL_BYTES /tmp/out | b64) $(tail -c $TAIL_BYTES /tmp/err | b64)" >>/tmp/result
  say "command $i exited with status $status"
  if [ "$status" != 0 ] && [ "$mayfail" != 1 ]; then break; fi
  i=$((i + 1))
done </tmp/job

rm -f "$POLICY"
[ -n "$SAVED" ] && mv "$SAVED" "$POLICY"
# what the job changed: the guest's own file system only (-xdev), by mtime
find "$GUEST" -xdev -newer "$STAMP" ! -type d 2>/dev/null | head -n $((MAX_CHANGED + 1)) >/tmp/changed
n=0
while IFS= read -r f; do
  n=$((n + 1))
  if [ "$n" -gt "$MAX_CHANGED" ]; then
    echo truncated >>/tmp/result
    break
  fi
  echo "changed $(printf '%s' "${f#"$GUEST"}" | b64)" >>/tmp/result
done </tmp/changed
finish
