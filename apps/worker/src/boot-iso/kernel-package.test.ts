import { describe, expect, it } from 'vitest';
import { parseCandidateVersion, parseKernelDependency } from './kernel-package';

describe('boot ISO kernel package', () => {
  it("finds the versioned kernel that linux-image-amd64 depends on in apt-cache's output", () => {
    expect(parseKernelDependency('linux-image-amd64\n  Depends: linux-image-6.1.0-56-amd64\n')).toBe(
      'linux-image-6.1.0-56-amd64',
    );
    expect(parseKernelDependency('linux-image-amd64\n')).toBeNull();
    // only a Depends names the kernel
    expect(parseKernelDependency('linux-image-amd64\n  Recommends: firmware-linux-free\n')).toBeNull();
  });

  it("reads the candidate's version from apt-cache show", () => {
    expect(
      parseCandidateVersion(
        'Package: linux-image-6.1.0-56-amd64\nSource: linux-signed-amd64 (6.1.192+2)\nVersion: 6.1.192-2\nArchitecture: amd64\n',
      ),
    ).toBe('6.1.192-2');
    expect(parseCandidateVersion('')).toBeNull();
  });
});
