// The lab's one real, bootable container: a Debian 12 root file system made
// with debootstrap, cached as a tarball (about 40 s to build, 264 MB; see
// docs/platforms.md, "Root file systems: debootstrap"). Everything that needs it
// (the lab's hypervisors, the guest-conversion boot tests) unpacks the
// tarball instead of running debootstrap again.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { cacheDir } from './cache-dir';

export const DEBIAN12_MIRROR = process.env.DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

// A real container has an init, sshd and its network tools.
const INCLUDE = [
  'systemd-sysv',
  'openssh-server',
  'ifupdown',
  'iproute2',
  'netbase',
  'procps',
  'rsync',
  'ca-certificates',
];

export function debian12TarballPath(dir = cacheDir()): string {
  return path.join(dir, 'debian12-rootfs.tar.zst');
}

/** Returns the path of the cached tarball, building it on first use. */
export async function ensureDebian12Tarball(
  opts: { cacheDir?: string; log?: (line: string) => void } = {},
): Promise<string> {
  const dir = opts.cacheDir ?? cacheDir();
  const tarball = debian12TarballPath(dir);
  if (existsSync(tarball)) return tarball;
  const log = opts.log ?? ((l: string) => console.log(l));
  await mkdir(dir, { recursive: true });
  const work = await mkdtemp(path.join(dir, 'debootstrap-'));
  const root = path.join(work, 'root');
  try {
    log(`debootstrap: building a Debian 12 root file system (once; cached in ${dir})`);
    await run('debootstrap', [
      '--variant=minbase',
      `--include=${INCLUDE.join(',')}`,
      'bookworm',
      root,
      DEBIAN12_MIRROR,
    ]);
    await rm(path.join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
    await mkdir(path.join(root, 'var/cache/apt/archives/partial'), { recursive: true });
    const partial = `${tarball}.partial`;
    await run('tar', ['--numeric-owner', '--xattrs', '--acls', '-I', 'zstd -T0 -3', '-C', root, '-cf', partial, '.']);
    await rename(partial, tarball);
    log(`debootstrap: cached ${tarball}`);
    return tarball;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Unpacks the tarball into `dest` (which must exist), keeping owners and modes. */
export async function unpackDebian12(tarball: string, dest: string): Promise<void> {
  await run('tar', ['--numeric-owner', '--xattrs', '--acls', '-I', 'zstd', '-C', dest, '-xpf', tarball]);
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} exited with ${code}: ${stderr.trim()}`));
    });
  });
}
