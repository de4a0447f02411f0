// A hostile guest's hooks run during make_bootable: they must see nothing of
// the converter box (no host process, no host root through /proc/<pid>/root,
// no worker environment, no network but loopback). The guest tree is a
// minimal one of our own (support/spy-guest.ts): fake update-initramfs,
// grub-install and update-grub that run the guest's hooks as the real ones
// do, and every hook a spy.
//
// Before the appliance VM, the same test against the chroot on the host
// failed every check: the hooks read the test's canary through 130
// /proc/<pid>/root entries, saw the worker's node and vitest processes,
// PostgreSQL and Redis, DATABASE_URL and VZFERRY_SECRET_KEY in their
// environment, and the host's eth0 (commit message of this test).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  applianceImage,
  ApplianceRunner,
  applyPlan,
  attachDisk,
  createDiskImage,
  detachDisk,
  LocalExecutor,
  makeFilesystem,
  mountDisk,
  type AttachedDisk,
} from '@vzferry/pipeline';
import { testBootIso } from './support/test-boot-iso';
import { readSpyReports, SPY_HOOKS, spyPlan, writeSpyGuest } from './support/spy-guest';

const x = new LocalExecutor();
let dir: string;
let mnt: string;
let canaryDir: string;
let disk: AttachedDisk | null = null;
let changed: string[] = [];
let applianceDir: string;
const log: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-isolation-'));
  canaryDir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-canary-'));
  writeFileSync(path.join(canaryDir, 'canary'), 'the host\n');
  const raw = path.join(dir, 'disk.raw');
  mnt = path.join(dir, 'mnt');
  await createDiskImage(x, raw, 256 * 1024 * 1024);
  disk = await attachDisk(x, raw);
  await makeFilesystem(x, disk, '5a3c1e52-6f3e-4c36-9d7a-1f3e5b7c9a11');
  await mountDisk(x, disk, mnt);
  writeSpyGuest(mnt, path.join(canaryDir, 'canary'));
  // what a worker has in its environment
  process.env.DATABASE_URL = 'postgres://canary-db-url';
  process.env.VZFERRY_SECRET_KEY = 'canary-secret-key';
  // the appliance as a box's engineer builds it (npm run boot-iso)
  applianceDir = (await testBootIso(path.join(dir, 'vzferry-boot.iso'))).applianceDir;
  const runner = new ApplianceRunner(
    x,
    { image: applianceImage(applianceDir), kvm: false },
    { disk, mount: mnt, scratch: dir },
  );
  const make = vi.spyOn(runner, 'run');
  await applyPlan(x, runner, mnt, spyPlan(), { log: (l) => log.push(l) });
  changed = (await make.mock.results[0]!.value).changed;
}, 600_000);

afterAll(async () => {
  await x.exec(['umount', mnt], { allowExitCodes: [0, 1, 32] }).catch(() => undefined);
  if (disk) await detachDisk(x, disk);
  rmSync(dir, { recursive: true, force: true });
  rmSync(canaryDir, { recursive: true, force: true });
});

describe('guest hooks run by make_bootable', () => {
  it('all ran', () => {
    expect(readSpyReports(mnt).map((r) => r.hook)).toEqual([...SPY_HOOKS].sort());
  });

  it('cannot reach the host root through /proc/<pid>/root', () => {
    for (const r of readSpyReports(mnt)) expect(r.roots, r.hook).toEqual([]);
  });

  it('see no host process', () => {
    for (const r of readSpyReports(mnt)) {
      expect(r.cmdlines.length, r.hook).toBeGreaterThan(0);
      expect(
        r.cmdlines.filter((c) => /node|vitest|postgres|redis/.test(c)),
        r.hook,
      ).toEqual([]);
    }
  });

  it('get no worker environment', () => {
    for (const r of readSpyReports(mnt)) {
      expect(r.env, r.hook).not.toMatch(/DATABASE_URL|VZFERRY_SECRET_KEY|canary-secret|canary-db-url/);
    }
  });

  it('have no network but loopback', () => {
    for (const r of readSpyReports(mnt)) expect(r.net, r.hook).toEqual(['lo']);
  });

  it('left the host canary alone', () => {
    expect(readFileSync(path.join(canaryDir, 'canary'), 'utf8')).toBe('the host\n');
  });
});

describe('the appliance job', () => {
  it("gave grub-install the VM's own whole disk", () => {
    expect(readFileSync(path.join(mnt, 'boot/grub-install.args'), 'utf8')).toBe('--target=i386-pc /dev/vda\n');
  });

  it("runs the guest's own program of a name the appliance's busybox also has, and no program the guest lacks", async () => {
    const runner = new ApplianceRunner(
      x,
      { image: applianceImage(applianceDir), kvm: false },
      { disk: disk!, mount: mnt, scratch: dir },
    );
    const r = await runner.run(
      {
        env: {},
        commands: [
          { argv: ['rpm', '-q', 'kernel'], mayFail: true },
          { argv: ['vi', '/etc/passwd'], mayFail: true },
        ],
      },
      { log: () => undefined },
    );
    expect(r.commands.map((c) => [c.code, c.stdoutTail, c.stderrTail])).toEqual([
      [0, "the guest's own rpm -q kernel\n", ''],
      [127, '', 'vi: not found in the guest\n'],
    ]);
  });

  it('reports the files the guest code changed, and streams its output', () => {
    expect(changed).toEqual(expect.arrayContaining(['/boot/grub.cfg', '/boot/initrd.img-6.1.0-spy-amd64']));
    expect(changed).not.toContain('/usr/sbin/policy-rc.d');
    expect(log).toContain('$ grub-install --target=i386-pc /dev/vda    # the boot loader on the disk');
    expect(log.some((l) => /^appliance: tcg, \d+\.\d s$/.test(l))).toBe(true);
  });
});
