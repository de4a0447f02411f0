import { describe, expect, it } from 'vitest';
import {
  isSupportedOs,
  kernelInstallCommand,
  kernelInstallSummary,
  kernelPackages,
  parseOsTemplate,
  usesLegacyGrub,
} from './os-template';

describe('OS templates', () => {
  it('reads the distribution and version of OpenVZ template names', () => {
    expect(parseOsTemplate('centos-6-x86_64')).toEqual({ distribution: 'centos', version: '6' });
    expect(parseOsTemplate('ubuntu-14.04-x86_64-minimal')).toEqual({ distribution: 'ubuntu', version: '14.04' });
    expect(parseOsTemplate('debian-7.0-x86_64')).toEqual({ distribution: 'debian', version: '7' });
    expect(parseOsTemplate('fedora-20-x86_64')).toBeNull();
    expect(parseOsTemplate(null)).toBeNull();
  });

  it('installs netplan.io where the plan writes netplan (Ubuntu 18.04 and later): make_bootable cannot install it', () => {
    expect(kernelPackages({ distribution: 'ubuntu', version: '18.04' }).packages).toContain('netplan.io');
    expect(kernelPackages({ distribution: 'ubuntu', version: '16.04' }).packages).not.toContain('netplan.io');
    expect(kernelPackages({ distribution: 'debian', version: '12' }).packages).not.toContain('netplan.io');
  });

  it('knows what is supported and which guests need the boot ISO', () => {
    expect(isSupportedOs({ distribution: 'ubuntu', version: '13.10' })).toBe(false);
    expect(isSupportedOs({ distribution: 'debian', version: '12' })).toBe(true);
    expect(usesLegacyGrub({ distribution: 'centos', version: '6' })).toBe(true);
    expect(usesLegacyGrub({ distribution: 'centos', version: '7' })).toBe(false);
  });

  it("installs a kernel and a boot loader with the guest's own package manager", () => {
    expect(kernelInstallCommand({ distribution: 'centos', version: '7' })).toEqual([
      'yum',
      '-y',
      'install',
      'kernel',
      'grub2',
      'grub2-tools',
    ]);
    expect(kernelInstallCommand({ distribution: 'ubuntu', version: '16.04' }).join(' ')).toMatch(
      / install linux-image-virtual grub-pc$/,
    );
    const debian = kernelInstallCommand({ distribution: 'debian', version: '9' });
    expect(debian.slice(0, 2)).toEqual(['sh', '-c']);
    // grub-pc must not try to install itself in a container without a disk
    expect(debian[2]).toMatch(
      /^echo 'grub-pc grub-pc\/install_devices_empty boolean true' \| debconf-set-selections && .*apt-get .* update && .* install linux-image-amd64 grub-pc$/,
    );
  });

  it('says what it installed in words, not as the command line', () => {
    expect(kernelInstallSummary({ distribution: 'centos', version: '7' })).toBe(
      'installed kernel, grub2 and grub2-tools with yum inside the container',
    );
    expect(kernelInstallSummary({ distribution: 'ubuntu', version: '16.04' })).toBe(
      'installed linux-image-virtual and grub-pc with apt-get inside the container',
    );
    expect(kernelInstallSummary({ distribution: 'debian', version: '12' })).toBe(
      'installed linux-image-amd64 and grub-pc with apt-get inside the container',
    );
  });
});
