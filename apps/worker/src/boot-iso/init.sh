#!/bin/sh
# /init of the vzferry boot ISO, run by busybox sh as PID 1.
#
# Why it exists: a grub-legacy guest (CentOS 4/5/6) cannot be made bootable
# from the converter box, so its VM first boots this ISO with an IDE-era OS
# type (IDE disk, e1000 NIC). This script finds the guest's own disk, runs
# /root/vzferry-boot/job.sh inside it (chroot), reports the result to the
# migration manager over HTTP and powers the VM off.
#
# A staged cutover boots it too, on a VM whose disk was made before the
# downtime: there it first pulls what changed since from the converter box
# (rsync), then runs the job.
#
# It never exits, never drops to a shell and never reboots: PID 1 exiting is
# a kernel panic, a shell is a console nobody watches, and a reboot would boot
# this ISO again. Every line it prints starts with "vzferry-boot: " so the
# serial log can be told apart from the kernel's messages.
# Built into the ISO by build.ts; the module list comes from modules.ts.

PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH

# The same kernel and initramfs are the converter box's guest-job appliance
# (appliance.sh), booted by QEMU with this word on the command line.
mount -t proc proc /proc
case " $(cat /proc/cmdline) " in *" vzferry.appliance "*) exec /bin/sh /appliance.sh ;; esac

GUEST=/mnt/guest
JOB_DIR=/root/vzferry-boot # inside the guest
DISK=
PART=

say() { echo "vzferry-boot: $*"; }

# reads lines on stdin, prints each with the prefix (and an optional tag)
prefixed() {
  # "|| [ -n ... ]": a last line without a newline is printed too
  while IFS= read -r line || [ -n "$line" ]; do say "$1$line"; done
}

umount_guest() {
  grep -q " $GUEST " /proc/mounts || return 0
  # whatever the job left running keeps the guest busy; PID 1 is spared
  kill -TERM -1 2>/dev/null
  sleep 1
  kill -KILL -1 2>/dev/null
  # binds (and anything the job mounted) before the guest itself, deepest first
  for m in $(awk -v g="$GUEST/" 'index($2, g) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "could not unmount $m"
  done
  if ! umount "$GUEST" 2>/dev/null; then
    say "could not unmount $GUEST; remounting it read-only"
    mount -o remount,ro "$GUEST" 2>/dev/null || say "could not remount $GUEST read-only"
  fi
}

power_off() {
  sync
  umount_guest
  sync
  say "powering off"
  poweroff -f
  # poweroff -f returns only when it failed: park here rather than reboot or exit
  while :; do sleep 3600; done
}

mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# the initramfs has no /dev/console node (it is packed without root), so the
# kernel may have started us without a console: take it from devtmpfs
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /tmp /run "$GUEST"
say "started on $(uname -r)"

# Drivers for every disk and NIC a CloudStack VM may have, and ext4 (which
# also mounts ext3 and ext2). The list is in load order, softdeps first.
for m in $(cat /etc/vzferry-boot/modules); do
  modprobe "$m" 2>/dev/null || say "module $m not loaded (not for this CPU or hardware)"
done

# A partition's whole disk: /sys/class/block/sda1/.. is sda (nvme0n1p1 -> nvme0n1).
whole_disk() {
  if [ -e "/sys/class/block/$1/partition" ]; then
    basename "$(readlink -f "/sys/class/block/$1/..")"
  else
    echo "$1"
  fi
}

has_partitions() {
  for p in "/sys/class/block/$1/$1"*; do
    [ -e "$p/partition" ] && return 0
  done
  return 1
}

# Mounts the file system on $1 read-write at $GUEST, if it is ext2/3/4.
mount_ext() {
  for t in ext4 ext3 ext2; do
    mount -t "$t" -o rw "$1" "$GUEST" 2>/dev/null && return 0
  done
  return 1
}

# The guest is the file system with $JOB_DIR/job.sh: every partition, and
# every whole disk that has no partitions, is tried.
find_guest() {
  for name in $(awk 'NR > 2 && $4 != "" { print $4 }' /proc/partitions); do
    case $name in loop* | ram* | sr* | fd* | zram* | dm-* | md*) continue ;; esac
    # a disk with partitions is tried through them
    if [ ! -e "/sys/class/block/$name/partition" ] && has_partitions "$name"; then continue; fi
    mount_ext "/dev/$name" || continue
    if [ -f "$GUEST$JOB_DIR/job.sh" ]; then
      PART=/dev/$name
      DISK=/dev/$(whole_disk "$name")
      return 0
    fi
    umount "$GUEST"
  done
  return 1
}

# Networking, once: the first ethN that gets a DHCP lease wins.
NET=
NET_TRIED=
network_up() {
  [ -n "$NET_TRIED" ] && return 0
  NET_TRIED=1
  ip link set lo up
  for dev in /sys/class/net/eth*; do
    [ -e "$dev" ] || continue
    ifname=${dev##*/}
    ip link set "$ifname" up
    if udhcpc -n -q -t 5 -i "$ifname" -s /etc/udhcpc.script >/tmp/udhcpc.log 2>&1; then
      prefixed "dhcp $ifname: " </tmp/udhcpc.log
      NET=$ifname
      return 0
    fi
    prefixed "dhcp $ifname: " </tmp/udhcpc.log
    say "no DHCP lease on $ifname"
  done
  say "no interface got a DHCP lease; trying anyway"
}

# A staged cutover (docs/architecture.md, "Staged cutover"): this disk was
# made before the downtime, and what changed since then is pulled from the
# converter box's copy, which the box has converted again. rsync with
# --delete makes the disk exactly that copy; the pull file itself is
# protected (a Retry pulls again). The file is data, never sourced:
# url=rsync://<user>@<box>:<port>/<module>/, password=<hex>. The box serves
# the copy read-only, to this run only, while its cutover lasts.
PULL_STATUS=254
# the pull's own lines go to the console and into the call back
pull_say() { say "$*" | tee -a /tmp/pull.log; }
pull_changes() {
  url=$(sed -n 's/^url=//p' "$1" | head -n 1 | tr -d '\r')
  password=$(sed -n 's/^password=//p' "$1" | head -n 1 | tr -d '\r')
  case $url in
    rsync://*) ;;
    *) pull_say "$JOB_DIR/pull has no url=rsync://... line" && return 1 ;;
  esac
  case $url in *[!]A-Za-z0-9@:./_[-]*)
    pull_say "$JOB_DIR/pull: the url has characters an rsync url of the box does not" && return 1 ;;
  esac
  case $password in '' | *[!0-9a-fA-F]*) pull_say "$JOB_DIR/pull has no password=<hex> line" && return 1 ;; esac
  network_up
  pull_say "pulling the changes from ${url#rsync://*@}"
  attempt=1
  while :; do
    rm -f /tmp/pull-status
    {
      RSYNC_PASSWORD=$password rsync -aHAXS --numeric-ids --delete --stats --timeout=300 --contimeout=30 \
        --filter="P $JOB_DIR/pull" "$url" "$GUEST/" </dev/null
      echo $? >/tmp/pull-status
    } 2>&1 | prefixed "pull: " | tee -a /tmp/pull.log
    code=$(cat /tmp/pull-status 2>/dev/null)
    code=${code:-255}
    [ "$code" = 0 ] && return 0
    # 5: refused (a wrong or expired credential), 10/12/30/35: the network
    case $code in 10 | 12 | 30 | 35) ;; *) pull_say "the pull failed: rsync exit $code" && return 1 ;; esac
    [ "$attempt" -ge 5 ] && pull_say "the pull failed after $attempt attempts: rsync exit $code" && return 1
    pull_say "the pull was cut (rsync exit $code); trying again in 5 s"
    attempt=$((attempt + 1))
    sleep 5
  done
}

# Disks appear asynchronously after the drivers load (slowly under emulation).
tries=0
until find_guest; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    say "no guest found: no ext2/3/4 file system with $JOB_DIR/job.sh on: $(awk 'NR > 2 && $4 != "" { printf "%s%s", sep, $4; sep = " " }' /proc/partitions)"
    power_off
  fi
  sleep 1
done
say "guest: $PART (disk $DISK)"

# A staged VM's first start only makes CloudStack create its root volume
# (a VM deployed stopped has none until then): the customer's container still
# runs on its IPs, so no network, no job, no call back. The marker goes at
# once, so the next start (the cutover) pulls.
if [ -f "$GUEST$JOB_DIR/staging" ]; then
  rm -f "$GUEST$JOB_DIR/staging"
  sync
  say "staging boot: the root volume exists; powering off without network"
  power_off
fi

LOG=$GUEST$JOB_DIR/job.log
STATUS=
if [ -f "$GUEST$JOB_DIR/pull" ]; then
  pull_changes "$GUEST$JOB_DIR/pull" || STATUS=$PULL_STATUS
  sync
fi

# after the pull: its --delete must never walk into these
run_job() {
  for d in dev proc sys; do
    mkdir -p "$GUEST/$d"
    mount --bind "/$d" "$GUEST/$d" || say "could not bind /$d into the guest"
  done
  say "running $JOB_DIR/job.sh $DISK"
  # a pipeline's status is its last command's: the job's goes through a file
  rm -f /tmp/job-status
  {
    HOME=/root LANG=C chroot "$GUEST" /bin/sh "$JOB_DIR/job.sh" "$DISK" </dev/null
    echo $? >/tmp/job-status
  } 2>&1 | tee "$LOG" | prefixed "job: "
  STATUS=$(cat /tmp/job-status 2>/dev/null)
  STATUS=${STATUS:-255}
  say "job exited with status $STATUS after $(cut -d ' ' -f 1 /proc/uptime) s of uptime"
}

if [ -z "$STATUS" ]; then
  run_job
else
  say "not running the job: the pull failed (status $STATUS)" | tee "$LOG"
fi
# the job's changes reach the disk even if the VM is stopped after the callback
sync

# The callback file is data, never sourced: url=<http url>, token=<hex>.
CALLBACK=$GUEST$JOB_DIR/callback
if [ ! -f "$CALLBACK" ]; then
  say "no $JOB_DIR/callback in the guest: nobody to report to"
  power_off
fi
URL=$(sed -n 's/^url=//p' "$CALLBACK" | head -n 1 | tr -d '\r')
TOKEN=$(sed -n 's/^token=//p' "$CALLBACK" | head -n 1 | tr -d '\r')
case $URL in
  http://* | https://*) ;;
  *)
    say "$JOB_DIR/callback has no url=http://... line"
    power_off
    ;;
esac
case $TOKEN in
  '' | *[!0-9a-fA-F]*)
    say "$JOB_DIR/callback has no token=<hex> line"
    power_off
    ;;
esac

network_up

# the call back carries the pull's lines (a staged cutover) and the job's last ones
{
  cat /tmp/pull.log 2>/dev/null
  tail -n 200 "$LOG"
} | tail -n 250 >/tmp/job-tail.log
case $URL in *\?*) SEP='&' ;; *) SEP='?' ;; esac
attempt=1
DELIVERED=
while [ "$attempt" -le 12 ]; do
  # busybox wget has no time-out of its own: a silent server would hold us forever
  if timeout 60 wget -q -O - --header "Authorization: Bearer $TOKEN" --header "Content-Type: text/plain" \
    --post-file /tmp/job-tail.log "$URL${SEP}status=$STATUS" >/tmp/callback-reply 2>&1; then
    DELIVERED=1
    break
  fi
  say "callback attempt $attempt failed: $(tail -n 1 /tmp/callback-reply)"
  attempt=$((attempt + 1))
  [ "$attempt" -le 12 ] && sleep 5
done
if [ -n "$DELIVERED" ]; then
  say "callback delivered (status $STATUS)"
  # it holds the token, which must not outlive its use; after a failed job it
  # stays, so that a Retry of deploy_vm can boot this ISO again and report
  if [ "$STATUS" = 0 ]; then rm -f "$CALLBACK"; sync; fi
else
  say "callback not delivered after 12 attempts; the manager will time out"
fi
power_off
