// The boot ISO's kernel: Debian's current stock kernel, the versioned
// linux-image-<abi>-amd64 that the meta package linux-image-amd64 depends on,
// fetched with apt-get download into a cache (once per ABI) and unpacked with
// dpkg-deb. A stock kernel has every driver a CloudStack VM may need as a
// module, and its security updates come with apt.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ExecError, type Executor } from '@vzferry/core';

export const KERNEL_META_PACKAGE = 'linux-image-amd64';

/** "Depends: linux-image-6.1.0-56-amd64" in `apt-cache depends linux-image-amd64` */
export function parseKernelDependency(aptCacheDepends: string): string | null {
  const m = /^\s*\|?Depends:\s*(linux-image-[0-9][^\s<>]*-amd64)\s*$/m.exec(aptCacheDepends);
  return m ? m[1]! : null;
}

/** "Version: 6.1.192-2" in `apt-cache show --no-all-versions <pkg>` (the candidate) */
export function parseCandidateVersion(aptCacheShow: string): string | null {
  const m = /^Version:\s*(\S+)\s*$/m.exec(aptCacheShow);
  return m ? m[1]! : null;
}

/** the .deb of the current kernel in `cacheDir`, downloaded if not there yet */
export async function fetchKernelDeb(x: Executor, cacheDir: string, log: (line: string) => void): Promise<string> {
  const pkg = await resolveKernelPackage(x, log);
  const show = await x.exec(['apt-cache', 'show', '--no-all-versions', pkg], { allowExitCodes: [0, 100] });
  const version = parseCandidateVersion(show.stdout);
  if (!version)
    throw new Error(
      `apt-cache knows no version of ${pkg}: run \`apt-get update\` as root, or pass --kernel-deb <file>`,
    );
  // apt-get download's file name: pkg_version_arch.deb, an epoch's ':' as %3a
  const deb = path.join(cacheDir, `${pkg}_${version.replace(':', '%3a')}_amd64.deb`);
  if (existsSync(deb)) {
    log(`kernel: ${path.basename(deb)} (cached in ${cacheDir})`);
    return deb;
  }
  log(`kernel: apt-get download ${pkg}`);
  try {
    // as root apt drops to the _apt user, who cannot write to root's cache dir
    const sandbox = process.getuid?.() === 0 ? ['-o', 'APT::Sandbox::User=root'] : [];
    await x.exec(['apt-get', ...sandbox, 'download', pkg], { cwd: cacheDir, timeoutMs: 15 * 60_000 });
  } catch (e) {
    const why = e instanceof ExecError ? e.message : String(e);
    throw new Error(
      `could not download the kernel package ${pkg} with apt-get download (${why}); run \`apt-get update\` as root and retry, or fetch the .deb yourself (apt-get download ${pkg}) and pass --kernel-deb <file>`,
    );
  }
  if (!existsSync(deb))
    throw new Error(`apt-get download ${pkg} succeeded but left no ${path.basename(deb)} in ${cacheDir}`);
  return deb;
}

/** Unpacks the .deb into `into`; returns the kernel version (the name of its lib/modules directory). */
export async function unpackKernelDeb(
  x: Executor,
  deb: string,
  into: string,
): Promise<{ version: string; vmlinuz: string; modulesDir: string }> {
  await x.exec(['dpkg-deb', '-x', deb, into]);
  // merged /usr or not, the modules sit in one of these
  const base = [path.join(into, 'lib/modules'), path.join(into, 'usr/lib/modules')].find((d) => existsSync(d));
  const versions = base ? readdirSync(base) : [];
  if (!base || versions.length !== 1)
    throw new Error(
      `${deb} is not a kernel image package: expected one lib/modules/<version>, found ${versions.length}`,
    );
  const version = versions[0]!;
  const vmlinuz = path.join(into, 'boot', `vmlinuz-${version}`);
  if (!existsSync(vmlinuz)) throw new Error(`${deb} has no boot/vmlinuz-${version}`);
  return { version, vmlinuz, modulesDir: path.join(base, version) };
}

async function resolveKernelPackage(x: Executor, log: (line: string) => void): Promise<string> {
  const depends = () =>
    x
      .exec(['apt-cache', 'depends', KERNEL_META_PACKAGE], { allowExitCodes: [0, 100] })
      .then((r) => parseKernelDependency(r.stdout));
  const first = await depends();
  if (first) return first;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `apt-cache does not know ${KERNEL_META_PACKAGE}: run \`apt-get update\` as root, or pass --kernel-deb <linux-image-*-amd64 .deb>`,
    );
  }
  // a fresh container has no package lists (the Dockerfile deletes them)
  log('kernel: apt-get update (no package lists yet)');
  await x.exec(['apt-get', 'update', '-qq'], { timeoutMs: 10 * 60_000 });
  const second = await depends();
  if (!second)
    throw new Error(
      `${KERNEL_META_PACKAGE} is not in this machine's apt sources (Debian main, amd64); pass --kernel-deb <linux-image-*-amd64 .deb>`,
    );
  return second;
}
