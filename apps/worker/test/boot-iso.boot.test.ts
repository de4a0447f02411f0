// The boot ISO for grub-legacy guests, for real: built from Debian's kernel
// package, booted under QEMU (TCG) from the CD with the guest disk on IDE and
// an e1000 NIC, as CloudStack's IDE-era OS types give it. The ISO must find
// the guest's partition, run its job in a chroot with the whole disk as $1,
// call back over HTTP with the bearer token, the job's status and log tail,
// delete the callback file (after a succeeded job only) and power the VM off
// by itself. In a staged cutover the disk was made before the downtime: the
// ISO first pulls the converter box's copy (the box's delta server, real
// rsync daemon) onto it, then runs the job.
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  chownSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBootIso, type BootIso } from '../src/boot-iso/build';
import { applianceImage, createDiskImage, LocalExecutor } from '@vzferry/pipeline';
import { deltaPassword, startDeltaServer, type DeltaServer } from '../src/delta-server';
import { freePort } from '@vzferry/ssh/free-port';

const run = promisify(execFile);
const x = new LocalExecutor();
const PART_OFFSET = 1024 * 1024; // createDiskImage's partition starts at 1 MiB
const DISK_BYTES = 64 * 1024 * 1024;
const BOOT_TIMEOUT_MS = 180_000;

interface Callback {
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
  at: number;
}

let dir: string;
let iso: BootIso;
let server: http.Server;
let callbackBase: string;
let hostAddress: string;
const callbacks: Callback[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-boot-iso-test-'));
  const started = Date.now();
  iso = await buildBootIso({ out: path.join(dir, 'boot.iso'), log: (l) => console.log(`boot-iso: ${l}`) });
  console.log(
    `boot ISO built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${iso.bytes} bytes, kernel ${iso.kernelVersion}`,
  );
  // QEMU's user network reaches the host's own addresses; 10.0.2.2 is its loopback
  const hostIp = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      callbacks.push({
        url: req.url ?? '',
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
        at: Date.now(),
      });
      res.end('ok\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, hostIp ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  callbackBase = `http://${hostIp ?? '10.0.2.2'}:${port}`;
  hostAddress = hostIp ?? '127.0.0.1';
}, 900_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A busybox "guest" tree whose job exits with `exitCode` and calls back with `token`. */
function makeGuestTree(tree: string, name: string, opts: { exitCode: number; token: string }): void {
  const jobDir = path.join(tree, 'root/vzferry-boot');
  mkdirSync(jobDir, { recursive: true });
  for (const d of ['bin', 'dev', 'proc', 'sys']) mkdirSync(path.join(tree, d), { recursive: true });
  writeFileSync(path.join(tree, 'bin/busybox'), readFileSync('/bin/busybox'));
  chmodSync(path.join(tree, 'bin/busybox'), 0o755);
  for (const applet of ['sh', 'uname']) symlinkSync('busybox', path.join(tree, 'bin', applet));
  writeFileSync(
    path.join(jobDir, 'job.sh'),
    [
      '#!/bin/sh',
      'echo "$1" > /root/marker',
      'uname -r >> /root/marker',
      `echo "job of ${name} ran on $1"`,
      `exit ${opts.exitCode}`,
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(jobDir, 'callback'), `url=${callbackBase}/boot-callback/${name}\ntoken=${opts.token}\n`);
}

/** A 64 MiB disk with one partition: a busybox "guest" whose job exits with `exitCode`. */
async function makeGuestDisk(
  name: string,
  opts: { exitCode: number; token: string; mkfs: string[]; tree?: (tree: string) => void },
): Promise<string> {
  const tree = path.join(dir, `${name}-tree`);
  makeGuestTree(tree, name, opts);
  opts.tree?.(tree);
  const part = path.join(dir, `${name}.part`);
  await x.exec([...opts.mkfs, '-q', '-d', tree, part, `${(DISK_BYTES - PART_OFFSET) / 1024}k`]);
  const disk = path.join(dir, `${name}.raw`);
  await createDiskImage(x, disk, DISK_BYTES);
  await x.exec(['dd', `if=${part}`, `of=${disk}`, `bs=${PART_OFFSET}`, 'seek=1', 'conv=notrunc,sparse', 'status=none']);
  return disk;
}

/** Boots the ISO with `disk` on IDE; resolves when QEMU exits by itself (the guest powered off). */
function bootIso(disk: string, serialLog: string): Promise<{ code: number | null; startedAt: number }> {
  const args = [
    '-accel',
    'tcg',
    '-m',
    '512',
    '-cdrom',
    iso.path,
    '-boot',
    'd',
    '-drive',
    `file=${disk},if=ide,format=raw`,
  ];
  args.push(
    '-netdev',
    'user,id=n0',
    '-device',
    'e1000,netdev=n0',
    '-serial',
    `file:${serialLog}`,
    '-display',
    'none',
    '-no-reboot',
  );
  const startedAt = Date.now();
  const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  qemu.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      qemu.kill('SIGKILL');
      reject(new Error(`QEMU still running after ${BOOT_TIMEOUT_MS / 1000} s (no poweroff):\n${tail(serialLog)}`));
    }, BOOT_TIMEOUT_MS);
    qemu.once('error', reject);
    qemu.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`QEMU exited with ${code}: ${stderr.trim()}\n${tail(serialLog)}`));
      resolve({ code, startedAt });
    });
  });
}

/** a file of the guest's partition, read with debugfs (no loop device, no mount) */
async function guestFile(disk: string, file: string): Promise<string | null> {
  const { stdout, stderr } = await run('debugfs', ['-R', `cat ${file}`, `${disk}?offset=${PART_OFFSET}`]);
  return /File not found/.test(stderr) ? null : stdout;
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    return '(no serial log)';
  }
}

describe('the guest-job appliance next to the ISO', () => {
  it('holds the kernel unpacked (an ELF QEMU enters through PVH), and that is the kernel a box boots', () => {
    const image = applianceImage(iso.applianceDir);
    expect(image.kernel).toBe(path.join(iso.applianceDir, 'vmlinux'));
    expect(readFileSync(image.kernel).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    expect(existsSync(path.join(iso.applianceDir, 'vmlinuz'))).toBe(true);
    expect(existsSync(image.initrd)).toBe(true);
  });
});

describe('boot ISO for grub-legacy guests', () => {
  it('runs the job on the guest disk, calls back with status 0 and the log, deletes the token and powers off', async () => {
    const token = randomBytes(16).toString('hex');
    const disk = await makeGuestDisk('ok', { exitCode: 0, token, mkfs: ['mkfs.ext4'] });
    const serialLog = path.join(dir, 'ok.serial.log');
    const { startedAt } = await bootIso(disk, serialLog);

    const cb = callbacks.find((c) => c.url.startsWith('/boot-callback/ok'));
    expect(cb, tail(serialLog)).toBeDefined();
    console.log(
      `boot to callback: ${((cb!.at - startedAt) / 1000).toFixed(1)} s; to poweroff: ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    );
    expect(cb!.url).toBe('/boot-callback/ok?status=0');
    expect(cb!.authorization).toBe(`Bearer ${token}`);
    expect(cb!.contentType).toBe('text/plain');
    expect(cb!.body).toContain('job of ok ran on /dev/sda');

    expect(await guestFile(disk, '/root/marker')).toBe(`/dev/sda\n${iso.kernelVersion}\n`);
    expect(await guestFile(disk, '/root/vzferry-boot/callback')).toBeNull();
    expect(await guestFile(disk, '/root/vzferry-boot/job.log')).toContain('job of ok ran on /dev/sda');
    const serial = readFileSync(serialLog, 'utf8');
    expect(serial).toContain('vzferry-boot: callback delivered (status 0)');
    expect(serial).toContain('vzferry-boot: powering off');
  });

  it("reports a failed job's exit status (3) from an ext3 guest with 128-byte inodes, as CentOS 5 makes them", async () => {
    const token = randomBytes(16).toString('hex');
    const disk = await makeGuestDisk('fail', { exitCode: 3, token, mkfs: ['mkfs.ext3', '-I', '128'] });
    const serialLog = path.join(dir, 'fail.serial.log');
    const { startedAt } = await bootIso(disk, serialLog);

    const cb = callbacks.find((c) => c.url.startsWith('/boot-callback/fail'));
    expect(cb, tail(serialLog)).toBeDefined();
    console.log(`boot to callback (job exits 3): ${((cb!.at - startedAt) / 1000).toFixed(1)} s`);
    expect(cb!.url).toBe('/boot-callback/fail?status=3');
    expect(cb!.authorization).toBe(`Bearer ${token}`);
    expect(cb!.body).toContain('job of fail ran on /dev/sda');
    // kept after a failed job: a Retry of deploy_vm boots the ISO again and it reports again
    expect(await guestFile(disk, '/root/vzferry-boot/callback')).toMatch(/^url=.*\ntoken=[0-9a-f]+\n$/);
    expect(await guestFile(disk, '/root/marker')).toBe(`/dev/sda\n${iso.kernelVersion}\n`);
  });
});

/** debugfs's stat of a guest file: its owner and link count */
async function guestStat(disk: string, file: string): Promise<{ uid: number; links: number }> {
  const { stdout } = await run('debugfs', ['-R', `stat ${file}`, `${disk}?offset=${PART_OFFSET}`]);
  return { uid: Number(/User:\s+(\d+)/.exec(stdout)?.[1]), links: Number(/Links:\s+(\d+)/.exec(stdout)?.[1]) };
}

describe('boot ISO in a staged cutover', () => {
  let delta: DeltaServer;
  const key = randomBytes(32).toString('hex');

  beforeAll(async () => {
    const port = await freePort();
    delta = await startDeltaServer({ stateDir: path.join(dir, 'delta'), address: hostAddress, port });
  });
  afterAll(async () => {
    await delta?.stop();
  });

  /**
   * The staged disk: the container as it was when the VM was made, with the
   * pull file. The box's copy: the container at the stop, converted again,
   * with a fresh job and call back.
   */
  async function stagedCutover(name: string, opts: { servedPassword?: string } = {}) {
    const runId = randomUUID();
    const token = randomBytes(16).toString('hex');
    const disk = await makeGuestDisk(name, {
      exitCode: 0,
      token: randomBytes(16).toString('hex'), // the token of staging: spent, the box's copy brings the current one
      mkfs: ['mkfs.ext4'],
      tree: (t) => {
        writeFileSync(path.join(t, 'root/kept.txt'), 'unchanged\n');
        writeFileSync(path.join(t, 'root/changed.txt'), 'before the stop\n');
        writeFileSync(path.join(t, 'root/deleted.txt'), 'deleted in the container before the stop\n');
        writeFileSync(
          path.join(t, 'root/vzferry-boot/pull'),
          `url=${delta.url(runId)}\npassword=${deltaPassword(key, runId)}\n`,
        );
        // staged an hour before the cutover: rsync tells the box's newer files by their time and size
        ageTree(t, 3600);
      },
    });
    const copy = path.join(dir, `${name}-copy`);
    makeGuestTree(copy, name, { exitCode: 0, token });
    writeFileSync(path.join(copy, 'root/kept.txt'), 'unchanged\n');
    writeFileSync(path.join(copy, 'root/changed.txt'), 'after the stop\n');
    writeFileSync(path.join(copy, 'root/written.txt'), 'written after staging\n');
    linkSync(path.join(copy, 'root/written.txt'), path.join(copy, 'root/written-link.txt'));
    chownSync(path.join(copy, 'root/written.txt'), 1234, 1234);
    await delta.serve(runId, copy, opts.servedPassword ?? deltaPassword(key, runId));
    const serialLog = path.join(dir, `${name}.serial.log`);
    await bootIso(disk, serialLog);
    await delta.withdraw(runId);
    const cb = callbacks.find((c) => c.url.startsWith(`/boot-callback/${name}`));
    expect(cb, tail(serialLog)).toBeDefined();
    return { disk, cb: cb!, token, serialLog };
  }

  it('pulls the changes made since staging (written, changed, deleted), runs the job, calls back and powers off', async () => {
    const { disk, cb, token, serialLog } = await stagedCutover('staged');
    expect(cb.url, tail(serialLog)).toBe('/boot-callback/staged?status=0');
    expect(cb.authorization).toBe(`Bearer ${token}`);
    expect(cb.body).toContain('pull: Number of regular files transferred');
    expect(await guestFile(disk, '/root/written.txt')).toBe('written after staging\n');
    expect(await guestFile(disk, '/root/changed.txt')).toBe('after the stop\n');
    expect(await guestFile(disk, '/root/kept.txt')).toBe('unchanged\n');
    expect(await guestFile(disk, '/root/deleted.txt')).toBeNull();
    expect(await guestStat(disk, '/root/written.txt')).toEqual({ uid: 1234, links: 2 });
    // kept for a Retry (the box serves the run only while its cutover lasts)
    expect(await guestFile(disk, '/root/vzferry-boot/pull')).toMatch(/^url=rsync:\/\//);
    expect(await guestFile(disk, '/root/marker')).toBe(`/dev/sda\n${iso.kernelVersion}\n`);
  });

  it("a staged VM's first start (the staging marker) only powers off: no network, no job, no call back, marker gone", async () => {
    const runId = randomUUID();
    const disk = await makeGuestDisk('staging', {
      exitCode: 0,
      token: randomBytes(16).toString('hex'),
      mkfs: ['mkfs.ext4'],
      tree: (t) => {
        writeFileSync(
          path.join(t, 'root/vzferry-boot/pull'),
          `url=${delta.url(runId)}\npassword=${deltaPassword(key, runId)}\n`,
        );
        writeFileSync(path.join(t, 'root/vzferry-boot/staging'), '');
      },
    });
    const serialLog = path.join(dir, 'staging.serial.log');
    await bootIso(disk, serialLog);
    const serial = readFileSync(serialLog, 'utf8');
    expect(serial).toMatch(/staging boot: the root volume exists; powering off without network/);
    expect(serial).not.toMatch(/dhcp |pull: /);
    expect(callbacks.find((c) => c.url.startsWith('/boot-callback/staging'))).toBeUndefined();
    expect(await guestFile(disk, '/root/vzferry-boot/staging')).toBeNull();
    expect(await guestFile(disk, '/root/vzferry-boot/pull')).toMatch(/^url=rsync:/);
    expect(await guestFile(disk, '/root/marker')).toBeNull();
  });

  it('a refused pull (a wrong credential) calls back with status 254, runs no job and changes nothing', async () => {
    // the box serves the run under another password than the one on the VM's disk
    const { disk, cb, serialLog } = await stagedCutover('refused', {
      servedPassword: deltaPassword(key, 'another run'),
    });
    expect(cb.url, tail(serialLog)).toBe('/boot-callback/refused?status=254');
    expect(cb.body).toMatch(/the pull failed: rsync exit 5/);
    expect(await guestFile(disk, '/root/marker')).toBeNull();
    expect(await guestFile(disk, '/root/changed.txt')).toBe('before the stop\n');
    expect(await guestFile(disk, '/root/deleted.txt')).not.toBeNull();
  });
});

/** Every file and directory under `dir`, `seconds` older (symlinks are left alone). */
function ageTree(dir: string, seconds: number): void {
  const then = new Date(Date.now() - seconds * 1000);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isSymbolicLink()) utimesSync(path.join(entry.parentPath, entry.name), then, then);
  }
}
