// A minimal hostile guest tree for the isolation tests: the host's static
// busybox as its only binary, fake guest tools (dpkg-query, update-initramfs,
// grub-install, update-grub) that run the hooks a real Debian guest has
// (/etc/kernel/postinst.d, /etc/initramfs-tools/hooks, /etc/grub.d), and
// every hook is a spy: it dumps its environment, tries the root of every
// process it can see (/proc/<pid>/root) for the test's canary file on the
// host, lists the processes it sees and the network interfaces. What it saw
// is written under /var/log/spy in the guest, for the test to read.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { conversionPlanSchema, type ConversionPlan } from '@vzferry/guest';

const APPLETS = ['sh', 'ls', 'cat', 'env', 'echo', 'mkdir', 'touch', 'grep', 'tr', 'true', 'test', '[', 'sed', 'head'];
export const SPY_HOOKS = ['kernel-postinst', 'initramfs-hook', 'grub-d'] as const;
const KERNEL = '6.1.0-spy-amd64';

/** The guest tree at `root`; `canary` is an absolute host path the spies look for. */
export function writeSpyGuest(root: string, canary: string): void {
  for (const d of [
    'bin',
    'usr/bin',
    'usr/sbin',
    'etc/kernel/postinst.d',
    'etc/initramfs-tools/hooks',
    'etc/grub.d',
    'boot',
    `lib/modules/${KERNEL}`,
    'proc',
    'sys',
    'dev',
    'tmp',
    'var/log',
    'root',
  ])
    mkdirSync(path.join(root, d), { recursive: true });
  copyFileSync('/bin/busybox', path.join(root, 'bin/busybox'));
  chmodSync(path.join(root, 'bin/busybox'), 0o755);
  for (const a of APPLETS) symlinkSync('busybox', path.join(root, 'bin', a));
  writeFileSync(path.join(root, 'etc/debian_version'), '12.7\n');
  writeFileSync(
    path.join(root, 'etc/os-release'),
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n',
  );
  script(root, 'usr/local/lib/spy', spy(canary));
  script(root, 'etc/kernel/postinst.d/zz-spy', '#!/bin/sh\nexec /usr/local/lib/spy kernel-postinst\n');
  script(root, 'etc/initramfs-tools/hooks/spy', '#!/bin/sh\nexec /usr/local/lib/spy initramfs-hook\n');
  script(root, 'etc/grub.d/99_spy', '#!/bin/sh\nexec /usr/local/lib/spy grub-d\n');
  script(root, 'usr/bin/dpkg-query', '#!/bin/sh\necho "install ok installed"\n');
  // named like a busybox applet: the appliance must run this file, not its own rpm
  script(root, 'usr/bin/rpm', '#!/bin/sh\necho "the guest\'s own rpm $*"\n');
  script(
    root,
    'usr/sbin/update-initramfs',
    // -c|-u -k <version>: runs the hooks as initramfs-tools does, then the kernel's postinst hooks
    '#!/bin/sh\nk="$3"\nfor h in /etc/initramfs-tools/hooks/*; do "$h" || exit 1; done\nfor h in /etc/kernel/postinst.d/*; do "$h" "$k" || exit 1; done\necho "initrd for $k" > "/boot/initrd.img-$k"\n',
  );
  script(root, 'usr/sbin/grub-install', '#!/bin/sh\necho "$@" > /boot/grub-install.args\n');
  script(
    root,
    'usr/sbin/update-grub',
    '#!/bin/sh\nfor h in /etc/grub.d/*; do "$h" || exit 1; done\necho menu > /boot/grub.cfg\n',
  );
}

function spy(canary: string): string {
  return `#!/bin/sh
# $1: which hook; what it saw goes to /var/log/spy/$1.*
out=/var/log/spy/$1
mkdir -p /var/log/spy
env > "$out.env"
: > "$out.roots"
: > "$out.cmdlines"
for p in /proc/[0-9]*; do
  if [ -e "$p/root${canary}" ]; then echo "$p" >> "$out.roots"; fi
  if [ -r "$p/cmdline" ]; then tr '\\0' ' ' < "$p/cmdline" >> "$out.cmdlines"; echo >> "$out.cmdlines"; fi
done
ls /sys/class/net > "$out.net" 2>/dev/null
echo ran > "$out.done"
`;
}

function script(root: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text, { mode: 0o755 });
}

/** The plan the spies run under: as packages/guest plans a Debian 12 guest's boot, by hand. */
export function spyPlan(): ConversionPlan {
  return conversionPlanSchema.parse({
    os: {
      distribution: 'debian',
      family: 'debian',
      version: '12',
      description: 'Debian GNU/Linux 12 (bookworm)',
      init: 'systemd',
      packageManager: 'apt',
      grub: 'grub2',
      initramfs: 'initramfs-tools',
      network: 'interfaces',
      kernelPackages: ['linux-image-amd64'],
      bootloaderPackages: ['grub-pc'],
    },
    backupDir: '/root/vzferry-backup',
    backup: [],
    write: [],
    remove: [],
    links: {},
    packages: ['linux-image-amd64', 'grub-pc'],
    commands: [
      {
        argv: ['sh', '-c', 'for k in $(ls /lib/modules); do update-initramfs -c -k "$k" || exit 1; done'],
        why: 'an initramfs',
        initramfs: true,
      },
      { argv: ['grub-install', '--target=i386-pc', '{disk}'], why: 'the boot loader on the disk' },
      { argv: ['update-grub'], why: 'grub menu' },
    ],
    kernelCmdline: 'console=ttyS0',
    legacyBootIso: null,
  });
}

export interface SpyReport {
  hook: string;
  env: string;
  /** /proc/<pid> entries through whose root the canary was visible */
  roots: string[];
  cmdlines: string[];
  net: string[];
}

/** What each spy recorded, read from the guest tree (after the conversion). */
export function readSpyReports(root: string): SpyReport[] {
  const dir = path.join(root, 'var/log/spy');
  if (!existsSync(dir)) return [];
  const read = (hook: string, ext: string) => readFileSync(path.join(dir, `${hook}.${ext}`), 'utf8');
  const lines = (t: string) => t.split('\n').filter(Boolean);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.done'))
    .map((f) => f.slice(0, -'.done'.length))
    .sort()
    .map((hook) => ({
      hook,
      env: read(hook, 'env'),
      roots: lines(read(hook, 'roots')),
      cmdlines: lines(read(hook, 'cmdlines')),
      net: lines(read(hook, 'net')),
    }));
}
