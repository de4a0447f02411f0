// Which OS a guest runs, from its own release files, and what that means for
// the conversion: init system, package manager, boot loader generation,
// initramfs tool, network config format, the packages that make it
// bootable (docs/platforms.md, "Guest operating systems"). An unknown,
// malformed or unsupported release is an error that says what was found:
// never a guess.

import { z } from 'zod';
import type { GuestFiles } from './guest-files';

export const DISTRIBUTIONS = ['centos', 'ubuntu', 'debian'] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

export const detectedOsSchema = z.object({
  distribution: z.enum(DISTRIBUTIONS),
  family: z.enum(['redhat', 'debian']),
  /** major for CentOS and Debian ("7", "12"), YY.MM for Ubuntu ("18.04") */
  version: z.string(),
  /** what the release file says, for people */
  description: z.string(),
  init: z.enum(['sysvinit', 'upstart', 'systemd']),
  packageManager: z.enum(['yum', 'apt']),
  grub: z.enum(['legacy', 'grub2']),
  initramfs: z.enum(['mkinitrd', 'dracut', 'initramfs-tools']),
  network: z.enum(['ifcfg', 'interfaces', 'netplan']),
  kernelPackages: z.array(z.string()),
  bootloaderPackages: z.array(z.string()),
});
export type DetectedOs = z.infer<typeof detectedOsSchema>;

export class GuestOsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuestOsError';
  }
}

export const SUPPORTED: Record<Distribution, string[]> = {
  centos: ['4', '5', '6', '7'],
  ubuntu: ['10.04', '12.04', '14.04', '16.04', '18.04'],
  debian: ['6', '7', '8', '9', '10', '11', '12'],
};

export function supportedList(): string {
  return `CentOS ${SUPPORTED.centos.join('/')}, Ubuntu ${SUPPORTED.ubuntu.join('/')}, Debian ${SUPPORTED.debian.join('/')}`;
}

export function detectOs(files: GuestFiles): DetectedOs {
  const found = fromOsRelease(files) ?? fromRedhatRelease(files) ?? fromLsbRelease(files) ?? fromDebianVersion(files);
  if (!found) {
    throw new GuestOsError(
      'no release file found (looked for /etc/os-release, /etc/centos-release, /etc/redhat-release, /etc/lsb-release, /etc/debian_version); is this a Linux root file system?',
    );
  }
  const [distribution, version, description] = found;
  if (!SUPPORTED[distribution].includes(version)) {
    throw new GuestOsError(`${description} is not supported; supported: ${supportedList()}`);
  }
  return traits(distribution, version, description);
}

type Found = [Distribution, string, string] | null;

function fromOsRelease(files: GuestFiles): Found {
  const text = files.read('/etc/os-release') ?? files.read('/usr/lib/os-release');
  if (text === null) return null;
  const vars = shellVars(text);
  const id = vars.ID?.toLowerCase();
  const pretty = vars.PRETTY_NAME ?? `${vars.NAME ?? id} ${vars.VERSION_ID ?? ''}`.trim();
  if (!id) throw new GuestOsError(`/etc/os-release has no ID= line: ${JSON.stringify(text.slice(0, 120))}`);
  if (id !== 'centos' && id !== 'ubuntu' && id !== 'debian')
    throw new GuestOsError(`${pretty} (ID=${id}) is not supported; supported: ${supportedList()}`);
  const versionId = vars.VERSION_ID;
  // Debian testing/sid have no VERSION_ID: fall back to debian_version below
  if (!versionId) return id === 'debian' ? fromDebianVersion(files) : malformed('/etc/os-release', text, 'VERSION_ID');
  return [id, id === 'ubuntu' ? versionId : versionId.split('.')[0]!, pretty];
}

function fromRedhatRelease(files: GuestFiles): Found {
  for (const file of ['/etc/centos-release', '/etc/redhat-release']) {
    const text = files.read(file);
    if (text === null) continue;
    const line = text.trim().split('\n')[0]!;
    const m = /^CentOS(?: Linux)? release (\d+)(?:\.[\d.]+)?\b/.exec(line);
    if (m) return ['centos', m[1]!, line];
    if (/^(Red Hat|Fedora|Scientific|CloudLinux|AlmaLinux|Rocky)/.test(line))
      throw new GuestOsError(`"${line}" is not supported; supported: ${supportedList()}`);
    return malformed(file, text, '"CentOS release N"');
  }
  return null;
}

function fromLsbRelease(files: GuestFiles): Found {
  const text = files.read('/etc/lsb-release');
  if (text === null) return null;
  const vars = shellVars(text);
  if (vars.DISTRIB_ID !== 'Ubuntu') return null;
  if (!vars.DISTRIB_RELEASE || !/^\d+\.\d+$/.test(vars.DISTRIB_RELEASE))
    return malformed('/etc/lsb-release', text, 'DISTRIB_RELEASE=YY.MM');
  return ['ubuntu', vars.DISTRIB_RELEASE, vars.DISTRIB_DESCRIPTION ?? `Ubuntu ${vars.DISTRIB_RELEASE}`];
}

function fromDebianVersion(files: GuestFiles): Found {
  const text = files.read('/etc/debian_version');
  if (text === null) return null;
  const v = text.trim();
  const m = /^(\d+)(?:\.\d+)*$/.exec(v);
  if (m) return ['debian', m[1]!, `Debian GNU/Linux ${v}`];
  if (/^[a-z]+\/sid$/.test(v))
    throw new GuestOsError(
      `/etc/debian_version says "${v}": a testing or derived release without a version; not supported (supported: ${supportedList()})`,
    );
  return malformed('/etc/debian_version', text, 'a version number such as "9.13"');
}

function malformed(file: string, text: string, expected: string): never {
  throw new GuestOsError(
    `${file} is not in a form we know (expected ${expected}): ${JSON.stringify(text.trim().slice(0, 120))}`,
  );
}

/** KEY=value and KEY="value" lines (os-release, lsb-release) */
export function shellVars(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)=(?:"([^"]*)"|'([^']*)'|(\S*))\s*$/.exec(line);
    if (m) out[m[1]!] = m[2] ?? m[3] ?? m[4] ?? '';
  }
  return out;
}

function traits(distribution: Distribution, version: string, description: string): DetectedOs {
  const n = Number(version);
  if (distribution === 'centos') {
    return {
      distribution,
      family: 'redhat',
      version,
      description,
      init: n <= 5 ? 'sysvinit' : n === 6 ? 'upstart' : 'systemd',
      packageManager: 'yum',
      grub: n <= 6 ? 'legacy' : 'grub2',
      initramfs: n <= 5 ? 'mkinitrd' : 'dracut',
      network: 'ifcfg',
      kernelPackages: ['kernel'],
      bootloaderPackages: n <= 6 ? ['grub'] : ['grub2', 'grub2-tools'],
    };
  }
  const ubuntu = distribution === 'ubuntu';
  return {
    distribution,
    family: 'debian',
    version,
    description,
    init: ubuntu ? (n <= 14.04 ? 'upstart' : 'systemd') : n <= 7 ? 'sysvinit' : 'systemd',
    packageManager: 'apt',
    grub: 'grub2',
    initramfs: 'initramfs-tools',
    network: ubuntu && n >= 18.04 ? 'netplan' : 'interfaces',
    kernelPackages: ubuntu ? ['linux-image-virtual'] : ['linux-image-amd64'],
    bootloaderPackages: ['grub-pc'],
  };
}
