import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalExecutor } from '@vzferry/pipeline';
import { hasPvhEntry, writePvhKernel, xzStreamOffset } from './pvh-kernel';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-pvh-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(4096, 7)]);

/** a bzImage's layout: setup code, the xz payload, then more code and data after the stream */
function bzImage(payload: Buffer): string {
  const xz = execFileSync('xz', ['-c', '--check=crc32'], { input: payload });
  const file = path.join(dir, 'vmlinuz');
  writeFileSync(file, Buffer.concat([Buffer.alloc(16_384, 0x90), xz, Buffer.alloc(3000, 0xcc)]));
  return file;
}

function config(lines: string): string {
  const file = path.join(dir, 'config');
  writeFileSync(file, lines);
  return file;
}

describe('the appliance kernel unpacked for a PVH boot', () => {
  it('reads CONFIG_PVH=y from the kernel config, and nothing like it', () => {
    expect(hasPvhEntry('CONFIG_XEN_PVH=y\nCONFIG_PVH=y\n')).toBe(true);
    expect(hasPvhEntry('CONFIG_XEN_PVH=y\n# CONFIG_PVH is not set\n')).toBe(false);
    expect(hasPvhEntry('CONFIG_XEN_PVHVM=y\n')).toBe(false);
  });

  it('unpacks the xz stream of a bzImage whose kernel has a PVH entry, the bytes after the stream left out', async () => {
    const image = bzImage(ELF);
    expect(xzStreamOffset(readFileSync(image))).toBe(16_384);
    const out = path.join(dir, 'vmlinux');
    expect(await writePvhKernel(new LocalExecutor(), { bzImage: image, config: config('CONFIG_PVH=y\n'), out })).toBe(
      true,
    );
    expect(readFileSync(out).equals(ELF)).toBe(true);
  });

  it('writes nothing for a kernel without the PVH entry or without an xz payload', async () => {
    const out = path.join(dir, 'vmlinux');
    const x = new LocalExecutor();
    expect(await writePvhKernel(x, { bzImage: bzImage(ELF), config: config('# CONFIG_PVH is not set\n'), out })).toBe(
      false,
    );
    writeFileSync(path.join(dir, 'gzip-kernel'), Buffer.alloc(9000, 0x1f));
    expect(
      await writePvhKernel(x, { bzImage: path.join(dir, 'gzip-kernel'), config: config('CONFIG_PVH=y\n'), out }),
    ).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a payload that is not an ELF', async () => {
    const out = path.join(dir, 'vmlinux');
    await expect(
      writePvhKernel(new LocalExecutor(), {
        bzImage: bzImage(Buffer.from('not a kernel')),
        config: config('CONFIG_PVH=y\n'),
        out,
      }),
    ).rejects.toThrow(/not an ELF vmlinux/);
  });
});
