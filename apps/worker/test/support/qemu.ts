import { expect } from 'vitest';
import net from 'node:net';
// Boots a qcow2 image under QEMU (TCG: the nested /dev/kvm here cannot run a
// stock guest kernel) with a virtio disk and virtio NICs on user-mode
// networks, the serial console in a file, and SSH of the guest's first NIC
// forwarded to a loopback port. For the boot tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { freePort } from '@vzferry/ssh/free-port';

export interface BootedVm {
  sshPort: number;
  serialLog: string;
  serial(): string;
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * How long a guest may take from QEMU's start to its login prompt. Alone on
 * this machine a converted Debian 12 gets there in about 60 s under TCG; in
 * .ci/run, with four boot and fault files at once on two cores, its services
 * ran about ten times slower (e2scrub_reap 20 s -> over 190 s) and a 300 s
 * wait ran out while networking.service was still starting.
 */
export const LOGIN_TIMEOUT_MS = 900_000;

export interface VmNetwork {
  /** user-mode network, e.g. 10.0.2.0/24 (QEMU's gateway is .2) */
  net: string;
  /** the guest address SSH is forwarded to (first network only) */
  guestIp?: string;
}

export async function bootVm(opts: {
  image: string;
  serialLog: string;
  networks: VmNetwork[];
  memoryMb?: number;
}): Promise<BootedVm> {
  const sshPort = await freePort();
  const args = [
    '-accel',
    'tcg',
    '-cpu',
    'max',
    '-m',
    String(opts.memoryMb ?? 1024),
    '-smp',
    '1',
    '-display',
    'none',
    '-no-reboot',
    '-serial',
    `file:${opts.serialLog}`,
  ];
  args.push('-drive', `file=${opts.image},if=virtio,format=qcow2,snapshot=on`);
  opts.networks.forEach((n, i) => {
    const fwd = i === 0 && n.guestIp ? `,hostfwd=tcp:127.0.0.1:${sshPort}-${n.guestIp}:22` : '';
    args.push('-netdev', `user,id=n${i},net=${n.net},restrict=on${fwd}`, '-device', `virtio-net-pci,netdev=n${i}`);
  });
  const child: ChildProcess = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const serial = () => (existsSync(opts.serialLog) ? readFileSync(opts.serialLog, 'utf8') : '');
  return {
    sshPort,
    serialLog: opts.serialLog,
    serial,
    async waitFor(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(serial())) {
        if (child.exitCode !== null)
          throw new Error(`QEMU exited (${child.exitCode}): ${stderr.trim()}\n${serial().slice(-2000)}`);
        if (Date.now() > deadline)
          throw new Error(
            `no ${pattern} on the serial console within ${timeoutMs / 1000} s:\n${serial().slice(-3000)}`,
          );
        await new Promise((r) => setTimeout(r, 1000));
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    },
  };
}

/** The first line an SSH server sends on this machine's `port` (QEMU's forward to the guest). */
export function sshBanner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.setTimeout(10_000, () => sock.destroy(new Error('no SSH banner within 10 s')));
    sock.once('close', () => reject(new Error('closed without a banner')));
    sock.once('data', (d) => {
      sock.destroy();
      resolve(d.toString());
    });
    sock.once('error', reject);
  });
}

/**
 * The lab's Debian 12 container's disk booted on its original IP
 * (10.0.2.15, where QEMU forwards the SSH port), once its login prompt shows.
 */
export async function bootOnOriginalIp(image: string, serialLog: string): Promise<BootedVm> {
  const vm = await bootVm({ image, serialLog, networks: [{ net: '10.0.2.0/24', guestIp: '10.0.2.15' }] });
  await vm.waitFor(/login:/, LOGIN_TIMEOUT_MS);
  return vm;
}

/** QEMU forwards the port to 10.0.2.15 only: an SSH banner means the guest holds its original IP. */
export async function expectSshOnOriginalIp(vm: BootedVm): Promise<void> {
  await expect
    .poll(() => sshBanner(vm.sshPort).catch((e: Error) => e.message), { timeout: 120_000, interval: 3_000 })
    .toMatch(/^SSH-2\.0-OpenSSH/);
}
