// What an OpenVZ OS template name says about the guest, for preflight (is it
// a supported OS?) and prepare_source (which kernel and boot loader packages
// its own package manager installs). detect_os later reads the guest's own
// release files, which win.

import { SUPPORTED, type Distribution } from './detect';

export interface TemplateOs {
  distribution: Distribution;
  version: string;
}

/** "centos-6-x86_64", "ubuntu-14.04-x86_64-minimal", "debian-7.0-x86_64" -> the OS, or null. */
export function parseOsTemplate(ostemplate: string | null): TemplateOs | null {
  const m = /^(centos|ubuntu|debian)-(\d+(?:\.\d+)?)(?:-|$)/.exec(ostemplate?.trim().toLowerCase() ?? '');
  if (!m) return null;
  const distribution = m[1] as TemplateOs['distribution'];
  // Debian templates say "7.0"; Debian versions are majors
  const version = distribution === 'debian' ? m[2]!.split('.')[0]! : m[2]!;
  return { distribution, version };
}

export function isSupportedOs(os: TemplateOs): boolean {
  return SUPPORTED[os.distribution].includes(os.version);
}

/** grub 0.97 guests take the boot-ISO path (docs/architecture.md, "Field lessons"). */
export function usesLegacyGrub(os: TemplateOs): boolean {
  return os.distribution === 'centos' && ['4', '5', '6'].includes(os.version);
}

/**
 * The packages prepare_source installs: a kernel and a boot loader (and
 * netplan.io where the plan configures the network with netplan: Ubuntu
 * 18.04 and later), and the tool that installs them. They are all of the
 * plan's packages: make_bootable only checks them (the appliance VM has no
 * network to install from).
 */
export function kernelPackages(os: TemplateOs): { tool: 'yum' | 'apt-get'; packages: string[] } {
  if (os.distribution === 'centos') {
    return { tool: 'yum', packages: os.version === '7' ? ['kernel', 'grub2', 'grub2-tools'] : ['kernel', 'grub'] };
  }
  return {
    tool: 'apt-get',
    packages: [
      os.distribution === 'ubuntu' ? 'linux-image-virtual' : 'linux-image-amd64',
      'grub-pc',
      ...(os.distribution === 'ubuntu' && Number(os.version) >= 18.04 ? ['netplan.io'] : []),
    ],
  };
}

/**
 * The command prepare_source runs inside the container (its own package
 * manager, repositories and DNS): a kernel and a boot loader. Already
 * installed packages make it a no-op, so a repeat is safe. On apt guests
 * grub-pc is told not to install itself anywhere (the container has no disk;
 * make_bootable runs grub-install on the VM's disk) and INITRD=No skips an
 * initramfs that make_bootable builds again with the virtio drivers.
 */
export function kernelInstallCommand(os: TemplateOs): string[] {
  const { tool, packages } = kernelPackages(os);
  if (tool === 'yum') return ['yum', '-y', 'install', ...packages];
  const apt =
    'DEBIAN_FRONTEND=noninteractive INITRD=No apt-get -y --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';
  return [
    'sh',
    '-c',
    `echo 'grub-pc grub-pc/install_devices_empty boolean true' | debconf-set-selections && ${apt} update && ${apt} install ${packages.join(' ')}`,
  ];
}

/** What prepare_source did, in words: "installed kernel, grub2 and grub2-tools with yum inside the container". */
export function kernelInstallSummary(os: TemplateOs): string {
  const { tool, packages } = kernelPackages(os);
  const list = packages.length > 1 ? `${packages.slice(0, -1).join(', ')} and ${packages.at(-1)}` : packages.join('');
  return `installed ${list} with ${tool} inside the container`;
}
