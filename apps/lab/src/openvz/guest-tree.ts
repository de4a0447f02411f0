// A container's private area as a real root file system: tiny for the
// synthetic guests (busybox, the OS's release and network files, a fake
// package manager, a few data files including a hard-linked pair and a
// sparse file, so rsync -aHAXS has real work), or the real Debian 12 tree.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { kernelPackages, parseOsTemplate } from '@vzferry/guest';
import { bootToolStandIns } from './boot-tools';
import { networkFiles, releaseFiles } from './render';
import type { ContainerPlan } from './plan';

const APPLETS = [
  'sh',
  'ash',
  'ls',
  'cat',
  'echo',
  'mkdir',
  'rm',
  'rmdir',
  'cp',
  'mv',
  'ln',
  'sed',
  'grep',
  'uname',
  'true',
  'false',
  'sleep',
  'date',
  'touch',
  'head',
  'tail',
  'wc',
  'id',
  'test',
  'env',
  'chmod',
  'chown',
  'sync',
  'df',
  'du',
  'ps',
  'awk',
  'tr',
  'cut',
  'sort',
  'find',
  'hostname',
  'stat',
  'md5sum',
  'sha1sum',
  'dirname',
  'basename',
  'printf',
];

const DIRS = [
  'bin',
  'sbin',
  'boot',
  'dev',
  'proc',
  'sys',
  'tmp',
  'root',
  'home',
  'lib',
  'usr/bin',
  'usr/sbin',
  'var/log',
  'var/lib/lab',
  'var/www/html',
  'etc/lab',
];

/**
 * Writes a synthetic guest into `root` (which must not exist). `busybox` is
 * the host's one copy, hard-linked into the guest (same file system).
 */
export function writeSyntheticGuest(root: string, ct: ContainerPlan, busybox: string): void {
  for (const d of DIRS) mkdirSync(path.join(root, d), { recursive: true });
  chmodSync(path.join(root, 'tmp'), 0o1777);
  linkSync(busybox, path.join(root, 'bin/busybox'));
  for (const a of APPLETS) symlinkSync('busybox', path.join(root, 'bin', a));
  const files: Record<string, string> = {
    ...releaseFiles(ct.os),
    ...networkFiles(ct),
    'etc/passwd':
      'root:x:0:0:root:/root:/bin/sh\nbin:x:1:1:bin:/bin:/sbin/nologin\nnobody:x:99:99:Nobody:/:/sbin/nologin\napache:x:48:48:Apache:/var/www:/sbin/nologin\n',
    'etc/group': 'root:x:0:\nbin:x:1:\nnobody:x:99:\napache:x:48:\n',
    'etc/shadow': 'root:!!:17000:0:99999:7:::\n',
    // OpenVZ guests have no real block devices: only devpts-style lines
    'etc/fstab': 'none /dev/pts devpts rw,gid=5,mode=620 0 0\nnone /dev/shm tmpfs defaults 0 0\n',
    'etc/mtab': '/dev/simfs / simfs rw,relatime 0 0\nproc /proc proc rw,relatime 0 0\n',
    'etc/resolv.conf': 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n',
    'etc/hosts': `127.0.0.1 localhost.localdomain localhost\n${ct.ips[0]} ${ct.hostname} ${ct.hostname.split('.')[0]}\n`,
    'var/www/html/index.html': `<html><body><h1>${ct.hostname}</h1><p>Welcome to ${ct.customer.name}.</p></body></html>\n`,
    'var/lib/lab/counter': '0\n',
    'var/log/lab-churn.log': '',
    'etc/lab/hardlink-a': `shared content of CT ${ct.ctid}\n`,
  };
  if (ct.os.family === 'redhat') {
    files['etc/inittab'] = 'id:3:initdefault:\n# OpenVZ: no gettys\n#1:2345:respawn:/sbin/mingetty tty1\n';
    files['usr/bin/yum'] = fakePackageManager('yum');
  } else {
    files['usr/bin/apt-get'] = fakePackageManager('apt-get');
    files['usr/bin/dpkg'] =
      '#!/bin/sh\n# lab: the packages "installed" by the fake apt-get\ncat /var/lib/lab/packages 2>/dev/null\n';
  }
  const tools = bootToolStandIns(ct.os.family);
  Object.assign(files, tools);
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  for (const tool of ['usr/bin/yum', 'usr/bin/apt-get', 'usr/bin/dpkg', ...Object.keys(tools)]) {
    try {
      chmodSync(path.join(root, tool), 0o755);
    } catch {
      // not this family's tool
    }
  }
  if (!ct.running) installBootPackages(root, ct.os.template);
  linkSync(path.join(root, 'etc/lab/hardlink-a'), path.join(root, 'etc/lab/hardlink-b'));
  // a sparse file: 64 MiB apparent, a few KiB on disk
  const sparse = path.join(root, 'var/lib/lab/sparse.img');
  writeFileSync(sparse, 'start');
  truncateSync(sparse, 64 * 1024 * 1024);
}

/** The kernel version the fake package manager "installs" (what /lib/modules and /boot then hold). */
export const LAB_KERNEL = '4.19.0-lab';

/**
 * A package manager that installs nothing but records what it was asked
 * for, and for kernel and boot loader packages leaves the files they would
 * (the pipeline's prepare_source installs those), so later stages see them.
 * A kernel brings its initramfs builder, as the real packages depend on it
 * (CentOS 7's kernel requires dracut; Debian's linux-image-* depends on
 * initramfs-tools): make_bootable finds every boot package installed.
 */
function fakePackageManager(name: string): string {
  return `#!/bin/sh
# lab: a stand-in for ${name} (no network, no packages); see apps/lab
LAB_KERNEL=${LAB_KERNEL}
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) ${name} $*" >> /var/log/lab-packages.log
for arg in "$@"; do
  case "$arg" in
    -*|*::*|install|update|upgrade|clean|makecache) ;;
    kernel*|linux-image*|linux-generic*|grub*)
      echo "$arg" >> /var/lib/lab/packages
      case "$arg" in
        kernel*|linux-image*|linux-generic*) mkdir -p /lib/modules/\${LAB_KERNEL}; echo "lab kernel for $arg" > /boot/vmlinuz-\${LAB_KERNEL}
          # what the real kernel package depends on: its initramfs builder
          echo ${name === 'yum' ? 'dracut' : 'initramfs-tools'} >> /var/lib/lab/packages ;;
        grub) mkdir -p /boot/grub /usr/share/grub/x86_64-redhat; echo "lab grub for $arg" > /boot/grub/lab-installed
          for s in stage1 stage2 e2fs_stage1_5; do echo "lab grub 0.97 $s" > /usr/share/grub/x86_64-redhat/$s; done ;;
        grub*) mkdir -p /boot/grub; echo "lab grub for $arg" > /boot/grub/lab-installed ;;
      esac
      echo "Installed: $arg" ;;
    *) echo "$arg" >> /var/lib/lab/packages; echo "Installed: $arg" ;;
  esac
done
exit 0
`;
}

/**
 * A stopped container gets no kernel from prepare_source (its code does not
 * run while it is stopped): its customer installed one long ago. The files
 * the fake package manager leaves for the packages prepare_source would
 * install, so make_bootable finds them (it installs nothing: the appliance
 * VM has no network).
 */
export function installBootPackages(root: string, ostemplate: string): void {
  const os = parseOsTemplate(ostemplate);
  if (!os) return;
  const put = (rel: string, content: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content, { flag: 'a' });
  };
  for (const pkg of kernelPackages(os).packages) {
    put('var/lib/lab/packages', `${pkg}\n`);
    if (/^(kernel|linux-image|linux-generic)/.test(pkg)) {
      mkdirSync(path.join(root, 'lib/modules', LAB_KERNEL), { recursive: true });
      put(`boot/vmlinuz-${LAB_KERNEL}`, `lab kernel for ${pkg}\n`);
      put('var/lib/lab/packages', `${os.distribution === 'centos' ? 'dracut' : 'initramfs-tools'}\n`);
    } else if (pkg === 'grub') {
      put('boot/grub/lab-installed', `lab grub for ${pkg}\n`);
      for (const s of ['stage1', 'stage2', 'e2fs_stage1_5'])
        put(`usr/share/grub/x86_64-redhat/${s}`, `lab grub 0.97 ${s}\n`);
    } else if (pkg.startsWith('grub')) {
      put('boot/grub/lab-installed', `lab grub for ${pkg}\n`);
    }
  }
}

/** Disk usage the way a quota counts it: 1 KiB blocks allocated, and inodes. */
export function measureTree(root: string): { kb: number; inodes: number } {
  let blocks = 0;
  let inodes = 0;
  const seen = new Set<number>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      const st = lstatSync(p);
      if (seen.has(st.ino)) continue;
      seen.add(st.ino);
      inodes++;
      blocks += st.blocks;
      if (entry.isDirectory()) walk(p);
    }
  };
  walk(root);
  return { kb: Math.ceil((blocks * 512) / 1024), inodes };
}

/** The real Debian 12 container: the cached debootstrap tree, with OpenVZ's venet0 config. */
export function writeDebian12Guest(root: string, ct: ContainerPlan, unpack: (dest: string) => void): void {
  mkdirSync(root, { recursive: true });
  unpack(root);
  // the lab machine's resolver: the container's own apt reaches its mirror (prepare_source)
  const resolv = readFileSync('/etc/resolv.conf', 'utf8');
  for (const [rel, content] of Object.entries({
    ...networkFiles(ct),
    'etc/resolv.conf': resolv,
    'etc/hostname': `${ct.hostname}\n`,
    'var/lib/lab/counter': '0\n',
    'var/log/lab-churn.log': '',
  })) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

export function untar(tarball: string, dest: string): void {
  execFileSync('tar', ['--numeric-owner', '--xattrs', '--acls', '-I', 'zstd', '-C', dest, '-xpf', tarball], {
    stdio: 'inherit',
  });
}
