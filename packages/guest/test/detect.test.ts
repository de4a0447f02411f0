// OS detection on every fixture, and the clear errors for what is not a
// supported guest.
import { describe, expect, it } from 'vitest';
import { detectOs, GuestOsError, mapFiles } from '../src/index';
import { fixture, fixtureIds } from './support/fixtures';

const EXPECTED: Record<string, [string, string, string, string, string, string]> = {
  // id: distribution, version, init, grub, initramfs, network
  'centos-4': ['centos', '4', 'sysvinit', 'legacy', 'mkinitrd', 'ifcfg'],
  'centos-5': ['centos', '5', 'sysvinit', 'legacy', 'mkinitrd', 'ifcfg'],
  'centos-6': ['centos', '6', 'upstart', 'legacy', 'dracut', 'ifcfg'],
  'centos-7': ['centos', '7', 'systemd', 'grub2', 'dracut', 'ifcfg'],
  'ubuntu-10.04': ['ubuntu', '10.04', 'upstart', 'grub2', 'initramfs-tools', 'interfaces'],
  'ubuntu-12.04': ['ubuntu', '12.04', 'upstart', 'grub2', 'initramfs-tools', 'interfaces'],
  'ubuntu-14.04': ['ubuntu', '14.04', 'upstart', 'grub2', 'initramfs-tools', 'interfaces'],
  'ubuntu-16.04': ['ubuntu', '16.04', 'systemd', 'grub2', 'initramfs-tools', 'interfaces'],
  'ubuntu-18.04': ['ubuntu', '18.04', 'systemd', 'grub2', 'initramfs-tools', 'netplan'],
  'debian-6': ['debian', '6', 'sysvinit', 'grub2', 'initramfs-tools', 'interfaces'],
  'debian-7': ['debian', '7', 'sysvinit', 'grub2', 'initramfs-tools', 'interfaces'],
  'debian-8': ['debian', '8', 'systemd', 'grub2', 'initramfs-tools', 'interfaces'],
  'debian-9': ['debian', '9', 'systemd', 'grub2', 'initramfs-tools', 'interfaces'],
  'debian-10': ['debian', '10', 'systemd', 'grub2', 'initramfs-tools', 'interfaces'],
  'debian-11': ['debian', '11', 'systemd', 'grub2', 'initramfs-tools', 'interfaces'],
  'debian-12': ['debian', '12', 'systemd', 'grub2', 'initramfs-tools', 'interfaces'],
};

describe('detectOs', () => {
  it('has a fixture for every supported OS', () => {
    expect(fixtureIds()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('detects %s', (id, [distribution, version, init, grub, initramfs, network]) => {
    expect(detectOs(fixture(id))).toMatchObject({ distribution, version, init, grub, initramfs, network });
  });

  it('says clearly when there is no release file', () => {
    expect(() => detectOs(mapFiles({ '/etc/hostname': 'x\n' }))).toThrow(
      /no release file found .*is this a Linux root file system/,
    );
  });

  it('says what a malformed release file holds', () => {
    expect(() => detectOs(mapFiles({ '/etc/redhat-release': 'garbage\n' }))).toThrow(
      /\/etc\/redhat-release is not in a form we know \(expected "CentOS release N"\): "garbage"/,
    );
    expect(() => detectOs(mapFiles({ '/etc/debian_version': 'not a version\n' }))).toThrow(GuestOsError);
    expect(() => detectOs(mapFiles({ '/etc/os-release': 'NAME=Foo\n' }))).toThrow(/no ID= line/);
  });

  it('refuses an unknown or unsupported OS with the supported list', () => {
    expect(() =>
      detectOs(mapFiles({ '/etc/os-release': 'ID=fedora\nVERSION_ID=38\nPRETTY_NAME="Fedora Linux 38"\n' })),
    ).toThrow(/Fedora Linux 38 \(ID=fedora\) is not supported; supported: CentOS 4\/5\/6\/7/);
    expect(() => detectOs(mapFiles({ '/etc/redhat-release': 'CentOS release 3.9 (Final)\n' }))).toThrow(
      /CentOS release 3\.9 \(Final\) is not supported/,
    );
    expect(() =>
      detectOs(mapFiles({ '/etc/os-release': 'ID=ubuntu\nVERSION_ID="20.04"\nPRETTY_NAME="Ubuntu 20.04.6 LTS"\n' })),
    ).toThrow(/Ubuntu 20\.04\.6 LTS is not supported/);
    expect(() =>
      detectOs(mapFiles({ '/etc/redhat-release': 'Red Hat Enterprise Linux Server release 6.10 (Santiago)\n' })),
    ).toThrow(/is not supported/);
  });
});
