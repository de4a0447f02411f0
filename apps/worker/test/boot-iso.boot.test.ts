// The boot ISO for grub-legacy guests, for real: built from Debian's kernel
// package, booted under QEMU (TCG) from the CD with the guest disk on IDE and
// an e1000 NIC, as CloudStack's IDE-era OS types give it. The ISO must find
// the guest's partition, run its job in a chroot with the whole disk as $1,
// call back over HTTP with the bearer token, the job's status and log tail,
// delete the callback file (after a succeeded job only) and power the VM off
// by itself.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBootIso, type BootIso } from '../src/boot-iso/build';
import { createDiskImage, LocalExecutor } from '@vzferry/pipeline';

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
}, 900_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A 64 MiB disk with one partition: a busybox "guest" whose job exits with `exitCode`. */
async function makeGuestDisk(name: string, opts: { exitCode: number; token: string; mkfs: string[] }): Promise<string> {
  const tree = path.join(dir, `${name}-tree`);
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
