// The real thing: the lab's Debian 12 container gets its kernel and grub
// from its own apt, inside the container, as prepare_source installs them;
// its tree is copied onto a fresh disk image, converted by the plan (the
// guest's own update-initramfs and grub in the appliance VM), turned into
// qcow2 and booted under QEMU with virtio.
// The guest must come up on the container's original IP (10.0.2.15, which
// QEMU's user network carries), reachable over SSH through a port forward,
// with a second NIC in a second network and a policy-routing rule per NIC.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kernelInstallCommand, planConversion, treeFiles, type GuestNetwork } from '@vzferry/guest';
import { ensureDebian12Tarball, unpackDebian12 } from '@vzferry/lab/rootfs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applianceImage,
  ApplianceRunner,
  applyPlan,
  attachDisk,
  LocalExecutor,
  convertToQcow2,
  createDiskImage,
  detachDisk,
  makeFilesystem,
  mountDisk,
  unmountDisk,
  type AttachedDisk,
} from '@vzferry/pipeline';
import { testBootIso } from './support/test-boot-iso';
import { bootVm, LOGIN_TIMEOUT_MS, type BootedVm } from './support/qemu';

const x = new LocalExecutor();
const UUID = randomUUID();
let dir: string;
let raw: string;
let mnt: string;
let key: string;
let disk: AttachedDisk | null = null;
let applianceDir: string;
let vm: BootedVm | null = null;
const log: string[] = [];

const base = { hostname: 'ct1012.lab-example.net', nameservers: ['10.0.2.3'], searchDomains: [] };
const TWO_NICS: GuestNetwork = {
  ...base,
  nics: [
    { device: 'eth0', ipv4: [{ address: '10.0.2.15', prefix: 24 }], ipv6: [], gateway: '10.0.2.2' },
    { device: 'eth1', ipv4: [{ address: '10.0.3.15', prefix: 24 }], ipv6: [], gateway: '10.0.3.2' },
  ],
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-boot-'));
  raw = path.join(dir, 'disk.raw');
  mnt = path.join(dir, 'mnt');
  key = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  // the container: the lab's Debian 12 tree, as a hypervisor holds it
  const container = path.join(dir, 'container');
  mkdirSync(container);
  await unpackDebian12(await ensureDebian12Tarball({ log: () => undefined }), container);
  // a running container on a hypervisor resolves names (its apt needs them)
  copyFileSync('/etc/resolv.conf', path.join(container, 'etc/resolv.conf'));
  inContainer(container, kernelInstallCommand({ distribution: 'debian', version: '12' }));
  applianceDir = (await testBootIso(path.join(dir, 'vzferry-boot.iso'))).applianceDir;
  await createDiskImage(x, raw, 3 * 1024 ** 3);
  disk = await attachDisk(x, raw);
  await makeFilesystem(x, disk, UUID);
  await mountDisk(x, disk, mnt);
  await x.exec(['rsync', '-aHAXS', '--numeric-ids', `${container}/`, `${mnt}/`]);
  // the container's network as vzctl's debian-add_ip.sh leaves it, with the customer's interfaces.tail
  // (a static route through venet0 and a post-up hook): both must work on eth0 (issue 12)
  const tail = '\tup ip route add 10.99.0.0/16 dev venet0\n\tpost-up echo carried > /run/vzferry-tail-hook\n';
  writeFileSync(path.join(mnt, 'etc/network/interfaces.tail'), tail);
  writeFileSync(
    path.join(mnt, 'etc/network/interfaces'),
    '# Auto generated lo interface\nauto lo\niface lo inet loopback\n\n# Auto generated venet0 interface\n' +
      'auto venet0\niface venet0 inet manual\n\tup ifconfig venet0 up\n\tup ifconfig venet0 127.0.0.2\n' +
      '\tup route add default dev venet0\n\tdown route del default dev venet0\n\tdown ifconfig venet0 down\n\n' +
      `${tail}auto venet0:0\niface venet0:0 inet static\n\taddress 10.0.2.15\n\tnetmask 255.255.255.255\n\n`,
  );
  // for the test only: a way in over SSH
  mkdirSync(path.join(mnt, 'root/.ssh'), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(mnt, 'root/.ssh/authorized_keys'), readFileSync(`${key}.pub`), { mode: 0o600 });
}, 900_000);

afterAll(async () => {
  // what the conversion did and how long each step took, for the test log
  console.log(log.filter((l) => /\$ |appliance|backup:/.test(l)).join('\n'));
  await vm?.stop();
  await x.exec(['umount', mnt], { allowExitCodes: [0, 1, 32] }).catch(() => undefined);
  if (disk) await detachDisk(x, disk);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** prepare_source's command, run as the lab's vzctl exec runs it in a running container (with /proc, /sys, /dev). */
function inContainer(root: string, argv: string[]): void {
  const script =
    'for d in proc sys dev; do case $d in proc) mount -t proc proc "$1/proc" ;; sys) mount -t sysfs sysfs "$1/sys" ;; dev) mount --rbind /dev "$1/dev" ;; esac; done; r="$1"; shift; exec chroot "$r" "$@"';
  execFileSync(
    'unshare',
    ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script, 'exec', root, ...argv],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 15 * 60_000,
    },
  );
}

async function convertAndImage(network: GuestNetwork, name: string): Promise<string> {
  if (!disk) {
    disk = await attachDisk(x, raw);
    await mountDisk(x, disk, mnt);
  }
  const plan = planConversion({ files: treeFiles(mnt), network, rootUuid: UUID });
  expect(plan.os).toMatchObject({ distribution: 'debian', version: '12' });
  const guest = new ApplianceRunner(
    x,
    { image: applianceImage(applianceDir), kvm: false },
    { disk, mount: mnt, scratch: dir },
  );
  await applyPlan(x, guest, mnt, plan, { log: (l) => log.push(`${new Date().toISOString().slice(11, 19)} ${l}`) });
  await unmountDisk(x, mnt);
  await detachDisk(x, disk);
  disk = null;
  const qcow2 = path.join(dir, `${name}.qcow2`);
  await convertToQcow2(x, raw, qcow2);
  return qcow2;
}

function ssh(port: number, command: string): string {
  return execFileSync(
    'ssh',
    [
      '-i',
      key,
      '-p',
      String(port),
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'ConnectTimeout=10',
      '-o',
      'LogLevel=ERROR',
      'root@127.0.0.1',
      command,
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
}

async function sshWhenUp(port: number, command: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return ssh(port, command);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}

describe('a converted Debian 12 container boots on KVM hardware (QEMU, virtio)', () => {
  // one conversion and one boot (each minutes under TCG): the container's own address on eth0, a second
  // NIC in a second network with its routing rule
  it(
    "reaches login with eth0 on the container's original IP and eth1 in its second network, each address with its routing rule; keeps a backup of what changed",
    { timeout: 2_400_000 },
    async () => {
      const image = await convertAndImage(TWO_NICS, 'two-nics');
      vm = await bootVm({
        image,
        serialLog: path.join(dir, 'serial.log'),
        networks: [{ net: '10.0.2.0/24', guestIp: '10.0.2.15' }, { net: '10.0.3.0/24' }],
      });
      await vm.waitFor(/login:/, LOGIN_TIMEOUT_MS);
      const out = await sshWhenUp(
        vm.sshPort,
        'ip -4 -o addr show; echo ---; ip rule; echo ---; ip route show table eth1; echo ---; cat /proc/cmdline; ls /root/vzferry-backup/etc; ip route show 10.99.0.0/16; cat /run/vzferry-tail-hook; hostname; hostname -f',
        120_000,
      );
      expect(out).toMatch(/eth0\s+inet 10\.0\.2\.15\/24/);
      expect(out).toMatch(/eth1\s+inet 10\.0\.3\.15\/24/);
      expect(out).toMatch(/from 10\.0\.2\.15 lookup eth0/);
      expect(out).toMatch(/from 10\.0\.3\.15 lookup eth1/);
      expect(out).toMatch(/default via 10\.0\.3\.2 dev eth1/);
      // the customer's route and hook came along onto eth0, the route through the network's gateway
      expect(out).toMatch(/^10\.99\.0\.0\/16 via 10\.0\.2\.2 dev eth0/m);
      expect(out).toMatch(/^carried$/m);
      // the short name in /etc/hostname, the FQDN from /etc/hosts
      expect(out).toMatch(/^ct1012\nct1012\.lab-example\.net$/m);
      expect(out).toContain('net.ifnames=0');
      expect(out).toContain(`root=UUID=${UUID}`);
      expect(out).toMatch(/network/);
      expect(vm.serial()).toMatch(/ttyS0/);
      await vm.stop();
      vm = null;
    },
  );
});
