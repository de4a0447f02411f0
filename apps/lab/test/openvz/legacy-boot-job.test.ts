// The boot ISO's job (packages/guest boot-job.ts) in the chroot of a
// synthetic CentOS 5 and 6 guest, as the ISO runs it on the VM, against the
// lab's stand-ins for the guest's own grub 0.97, dracut and mkinitrd, with a
// real block device as the disk: the menu, the initrd with virtio and grub in
// the MBR; a re-run leaves one entry; a guest without grub's stages fails
// with grub's own error. (The pipeline boot test runs it from the real ISO.)
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootJobScript } from '@vzferry/guest';
import { writeSyntheticGuest } from '../../src/openvz/guest-tree';
import { planFleet } from '../../src/openvz/plan';

let dir: string;
let loop: string;
const mounts: string[] = [];
const UUID = '0f3c5a6e-8b1d-4c2f-9e7a-1d2b3c4d5e6f';

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-bootjob-'));
  copyFileSync('/bin/busybox', path.join(dir, 'busybox'));
  writeFileSync(path.join(dir, 'disk.img'), Buffer.alloc(1024 * 1024));
  loop = execFileSync('losetup', ['--find', '--show', path.join(dir, 'disk.img')], { encoding: 'utf8' }).trim();
});

afterAll(() => {
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
  if (loop) spawnSync('losetup', ['-d', loop]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A synthetic CentOS guest after prepare_source and rewrite_config, with the host's /dev as the ISO gives it. */
function guest(template: string, packages: string[]): { root: string; major: number } {
  const ct = planFleet({ hosts: 1, containers: 40, debian12: false }).find((c) => c.os.template === template)!;
  const root = path.join(dir, `${template}-${packages.join('-')}`);
  writeSyntheticGuest(root, ct, path.join(dir, 'busybox'));
  execFileSync('chroot', [root, '/bin/sh', '/usr/bin/yum', '-y', 'install', ...packages]);
  const major = Number(ct.os.version.split('.')[0]);
  // what rewrite_config wrote: the menu's header, the job, dracut's virtio drivers
  for (const d of ['boot/grub', 'root/vzferry-boot', 'etc/dracut.conf.d'])
    mkdirSync(path.join(root, d), { recursive: true });
  writeFileSync(path.join(root, 'boot/grub/grub.conf'), `# written by vzferry\ndefault=0\ntimeout=2\n`);
  writeFileSync(
    path.join(root, 'etc/dracut.conf.d/vzferry-virtio.conf'),
    'add_drivers+=" virtio_pci virtio_blk virtio_net virtio_scsi "\n',
  );
  writeFileSync(
    path.join(root, 'root/vzferry-boot/job.sh'),
    bootJobScript({ major, rootUuid: UUID, grubConf: '/boot/grub/grub.conf' }),
    { mode: 0o755 },
  );
  execFileSync('mount', ['--bind', '/dev', path.join(root, 'dev')]);
  mounts.push(path.join(root, 'dev'));
  return { root, major };
}

function runJob(root: string) {
  const r = spawnSync('chroot', [root, '/bin/sh', '/root/vzferry-boot/job.sh', loop], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const read = (root: string, rel: string) => readFileSync(path.join(root, rel), 'utf8');

describe("the boot ISO's job in a grub-legacy guest", () => {
  it('CentOS 6: dracut initramfs with virtio, one menu entry by UUID, grub in the MBR; a re-run keeps one entry', () => {
    const { root } = guest('centos-6-x86_64', ['kernel', 'grub', 'dracut']);
    const first = runJob(root);
    expect(first.output).toContain(`vzferry job: kernel 4.19.0-lab, disk ${loop}`);
    expect(first.output).toMatch(/Running "install \/boot\/grub\/stage1 \(hd0\).*succeeded/);
    expect(first.status, first.output).toBe(0);
    expect(read(root, 'boot/initramfs-4.19.0-lab.img')).toMatch(/virtio_blk/);
    const menu = read(root, 'boot/grub/grub.conf');
    expect(menu).toMatch(
      /^# written by vzferry\ndefault=0\ntimeout=2\ntitle CentOS \(4\.19\.0-lab\)\n\troot \(hd0,0\)\n/,
    );
    expect(menu).toContain(
      `\tkernel /boot/vmlinuz-4.19.0-lab ro root=UUID=${UUID} console=tty0 console=ttyS0,115200n8`,
    );
    expect(menu).toContain('\tinitrd /boot/initramfs-4.19.0-lab.img\n');
    expect(read(root, 'boot/grub/lab-mbr')).toContain(`MBR of ${loop}`);
    // the VM boots with a virtio disk after the switch
    expect(read(root, 'boot/grub/device.map')).toBe('(hd0) /dev/vda\n');

    expect(runJob(root).status).toBe(0);
    expect(read(root, 'boot/grub/grub.conf').match(/^title /gm)).toHaveLength(1);
  });

  it('CentOS 5: mkinitrd with the virtio modules into initrd-<version>.img', () => {
    const { root } = guest('centos-5-x86_64', ['kernel', 'grub']);
    const job = runJob(root);
    expect(job.status, job.output).toBe(0);
    expect(read(root, 'boot/initrd-4.19.0-lab.img')).toMatch(/with: virtio_pci virtio_blk virtio_net/);
    expect(read(root, 'boot/grub/grub.conf')).toContain('\tinitrd /boot/initrd-4.19.0-lab.img\n');
  });

  it("fails with grub's error when the guest has no grub stages (the grub package is missing)", () => {
    const { root } = guest('centos-6-x86_64', ['kernel', 'dracut']);
    const job = runJob(root);
    expect(job.status).toBe(4);
    expect(job.output).toContain('Error 15: File not found');
    expect(existsSync(path.join(root, 'boot/grub/lab-mbr'))).toBe(false);
  });

  it('fails before touching anything when the disk is not a block device', () => {
    const { root } = guest('centos-6-x86_64', ['kernel', 'grub', 'dracut', 'x']);
    const r = spawnSync('chroot', [root, '/bin/sh', '/root/vzferry-boot/job.sh', '/dev/null'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('/dev/null is not a block device');
    expect(read(root, 'boot/grub/grub.conf')).not.toContain('title');
  });
});
