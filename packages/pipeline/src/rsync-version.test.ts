// `rsync --version` as real rsync prints it. The samples in
// test/fixtures/rsync-version are real output, not made by the code here:
// - debian12-3.5.0+ds1-0+deb12u1.txt: Debian 12's bookworm-security package,
//   /usr/bin/rsync --version on the development machine (dpkg -l rsync);
// - debian12-3.2.7-1+deb12u6.txt: Debian 12's bookworm package (apt-get
//   download rsync=3.2.7-1+deb12u6, dpkg-deb -x, usr/bin/rsync --version):
//   Debian backported 3.4.0's security fixes with its protocol 32;
// - centos6-3.0.6.txt: rsync 3.0.6 (CentOS 6's version), the header of its
//   --help as quoted in a public rsync guide (the same print_rsync_version
//   lines --version prints).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boxRsyncWarning, parseRsyncVersion, symlinkRaceWarning } from './rsync-version';

const sample = (name: string) =>
  readFileSync(path.resolve(import.meta.dirname, '../test/fixtures/rsync-version', name), 'utf8');

describe('parseRsyncVersion', () => {
  it('reads the version and protocol of real rsync builds', () => {
    expect(parseRsyncVersion(sample('debian12-3.5.0+ds1-0+deb12u1.txt'))).toEqual({
      major: 3,
      minor: 5,
      patch: 0,
      suffix: '',
      protocol: 32,
    });
    expect(parseRsyncVersion(sample('debian12-3.2.7-1+deb12u6.txt'))).toMatchObject({
      major: 3,
      minor: 2,
      patch: 7,
      protocol: 32,
    });
    expect(parseRsyncVersion(sample('centos6-3.0.6.txt'))).toMatchObject({
      major: 3,
      minor: 0,
      patch: 6,
      protocol: 30,
    });
  });

  it('reads development builds (rsync NEWS: "3.1.0dev", protocol "31.PR14")', () => {
    expect(parseRsyncVersion('rsync  version 3.1.0dev  protocol version 31.PR14\n')).toEqual({
      major: 3,
      minor: 1,
      patch: 0,
      suffix: 'dev',
      protocol: 31,
    });
  });

  it('refuses what is not rsync --version, quoting its first line', () => {
    expect(() => parseRsyncVersion('bash: rsync: command not found\n')).toThrow(
      'not the output of rsync --version: "bash: rsync: command not found"',
    );
    expect(() => parseRsyncVersion('')).toThrow(/not the output of rsync --version/);
  });
});

describe('boxRsyncWarning', () => {
  it("warns for a converter box whose rsync lacks 3.4.0's client fixes, not for one that has them", () => {
    expect(boxRsyncWarning(parseRsyncVersion(sample('centos6-3.0.6.txt')), 'box1')).toMatch(
      /^rsync 3\.0\.6 on converter box box1 is older than 3\.4\.0 .*CVE-2024-12087.*CVE-2024-12088/,
    );
    expect(boxRsyncWarning(parseRsyncVersion(sample('debian12-3.2.7-1+deb12u6.txt')), 'box1')).toBeNull();
    expect(boxRsyncWarning(parseRsyncVersion(sample('debian12-3.5.0+ds1-0+deb12u1.txt')), 'box1')).toBeNull();
  });
});

describe('symlinkRaceWarning', () => {
  it('warns for a sender older than 3.4.0 without the fix (CVE-2024-12747)', () => {
    expect(symlinkRaceWarning(parseRsyncVersion(sample('centos6-3.0.6.txt')), 'hv1')).toBe(
      'rsync 3.0.6 on hv1 is older than 3.4.0 and speaks protocol 30: its sender has the symlink race of CVE-2024-12747, ' +
        'so a container that swaps a file for a symlink while it is copied may get a file of the hypervisor copied onto its disk. ' +
        'Update rsync on the hypervisor',
    );
  });

  it('does not warn for 3.4.0 and later, nor for a distribution build that took the fix with protocol 32', () => {
    expect(symlinkRaceWarning(parseRsyncVersion(sample('debian12-3.5.0+ds1-0+deb12u1.txt')), 'hv1')).toBeNull();
    expect(symlinkRaceWarning(parseRsyncVersion(sample('debian12-3.2.7-1+deb12u6.txt')), 'hv1')).toBeNull();
    expect(symlinkRaceWarning(parseRsyncVersion('rsync  version 3.4.0  protocol version 32\n'), 'hv1')).toBeNull();
  });

  it('counts a pre-release of 3.4.0 as older', () => {
    expect(symlinkRaceWarning(parseRsyncVersion('rsync  version 3.4.0pre1  protocol version 31\n'), 'hv1')).toMatch(
      /^rsync 3\.4\.0pre1 on hv1 is older than 3\.4\.0/,
    );
  });
});
