import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootInputsFingerprint } from './boot-inputs';

let root: string;
const plan = { write: [{ path: '/etc/initramfs-tools/modules', content: 'virtio_blk\n', mode: 0o644 }] };

function put(rel: string, content: string, mtime = 1_700_000_000): void {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  utimesSync(file, mtime, mtime);
}

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'boot-inputs-'));
  put('usr/lib/modules/6.1.0-lab/kernel/virtio_blk.ko', 'module');
  put('etc/initramfs-tools/modules', 'virtio_blk\n');
  put('var/lib/dpkg/status', 'Package: linux-image-6.1.0-lab\n');
  put('etc/hostname', 'web1\n');
  // merged /usr
  symlinkSync('usr/lib', path.join(root, 'lib'));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the boot inputs fingerprint', () => {
  it('stays the same when rewrite_config writes its files again with the same bytes, or other files change', async () => {
    const before = await bootInputsFingerprint(root, plan);
    put('etc/initramfs-tools/modules', 'virtio_blk\n', 1_800_000_000);
    put('etc/hostname', 'web2\n');
    expect(await bootInputsFingerprint(root, plan)).toBe(before);
  });

  it('changes with a module, a package database or a written file that changed', async () => {
    const before = await bootInputsFingerprint(root, plan);
    put('usr/lib/modules/6.1.0-lab/kernel/virtio_blk.ko', 'module', 1_700_000_001);
    const touched = await bootInputsFingerprint(root, plan);
    expect(touched).not.toBe(before);
    put('usr/lib/modules/6.1.0-lab/kernel/e1000.ko', 'module');
    const added = await bootInputsFingerprint(root, plan);
    expect(added).not.toBe(touched);
    put('var/lib/dpkg/status', 'Package: linux-image-6.1.0-lab\nPackage: linux-image-6.1.0-new\n');
    const upgraded = await bootInputsFingerprint(root, plan);
    expect(upgraded).not.toBe(added);
    put('etc/initramfs-tools/modules', 'virtio_blk\nvirtio_net\n');
    expect(await bootInputsFingerprint(root, plan)).not.toBe(upgraded);
  });

  it('changes with a kernel in /boot, the grub defaults or a unit in /etc/systemd/system', async () => {
    const before = await bootInputsFingerprint(root, plan);
    put('boot/vmlinuz-6.1.0-new', 'kernel');
    const kernel = await bootInputsFingerprint(root, plan);
    expect(kernel).not.toBe(before);
    put('etc/default/grub', 'GRUB_TIMEOUT=9\n');
    const grub = await bootInputsFingerprint(root, plan);
    expect(grub).not.toBe(kernel);
    put('etc/systemd/system/multi-user.target.wants/web.service', '[Unit]\n');
    expect(await bootInputsFingerprint(root, plan)).not.toBe(grub);
  });

  it('does not follow a link out of the guest', async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'initramfs-outside-'));
    try {
      writeFileSync(path.join(outside, 'x'), 'host');
      mkdirSync(path.join(outside, 'modules'));
      rmSync(path.join(root, 'lib'));
      symlinkSync(outside, path.join(root, 'lib'));
      const fingerprint = await bootInputsFingerprint(root, plan);
      writeFileSync(path.join(outside, 'modules/host.ko'), 'a module of this machine');
      expect(await bootInputsFingerprint(root, plan)).toBe(fingerprint);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
