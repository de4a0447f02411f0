import { describe, expect, it } from 'vitest';
import { parseLddPaths } from './ldd';

// Debian 12's `ldd /usr/bin/rsync`, as printed on the converter box
const RSYNC = `	linux-vdso.so.1 (0x00007fe8c9ed3000)
	libacl.so.1 => /lib/x86_64-linux-gnu/libacl.so.1 (0x00007fe8c9e0b000)
	libpopt.so.0 => /lib/x86_64-linux-gnu/libpopt.so.0 (0x00007fe8c9dfc000)
	libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007fe8c9ce4000)
	libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fe8c961e000)
	/lib64/ld-linux-x86-64.so.2 (0x00007fe8c9ed5000)
`;

describe('parseLddPaths', () => {
  it('names every library file and the loader, not the vDSO', () => {
    expect(parseLddPaths(RSYNC)).toEqual([
      '/lib/x86_64-linux-gnu/libacl.so.1',
      '/lib/x86_64-linux-gnu/libpopt.so.0',
      '/lib/x86_64-linux-gnu/libz.so.1',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });

  it('fails on a library ldd could not find: the program would not start in the initramfs', () => {
    expect(() => parseLddPaths('\tlibfoo.so.1 => not found\n')).toThrow(/missing.*libfoo/);
  });

  it('fails on a line it does not understand rather than leave a library out', () => {
    expect(() => parseLddPaths('\tlibfoo.so.1 => relative/libfoo.so.1 (0x1)\n')).toThrow(/not understood/);
  });
});
