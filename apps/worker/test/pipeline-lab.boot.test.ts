// The whole pipeline on the lab, end to end: the real worker process (its
// engine, stages, template server) migrates a batch of six containers from
// two simulated OpenVZ hypervisors into the lab's CloudStack through all 16
// stages: the real Debian 12 container and synthetic CentOS, Ubuntu and
// Debian guests, one of them a grub-legacy CentOS 5 whose VM boots the boot
// ISO (under QEMU in the lab) before it runs from its own disk. Then: every run succeeded stage by stage with a recorded
// downtime; the VMs run with the containers' IPs, which answer; the templates
// are gone from secondary storage; the sources are stopped with onboot=no and
// their files unchanged but for prepare_source's packages; and the Debian
// VM's ROOT volume (the bytes the lab's secondary storage downloaded from our
// template server, made bootable before the downtime) boots under
// QEMU on the container's original IP.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGES } from '@vzferry/core';
import { createBatch, startBatch } from '@vzferry/db';
import { parseOsTemplate, usesLegacyGrub } from '@vzferry/guest';
import { buildBootIso } from '../src/boot-iso/build';
import { startLabStack, waitForBatch, type LabStack } from './support/lab-stack';
import { bootOnOriginalIp, expectSshOnOriginalIp, type BootedVm } from './support/qemu';
import { readFromVolume } from './support/volume';

const DEBIAN12_CTID = 1012;
const actor = { name: 'test' };

let stack: LabStack;
let vm: BootedVm | null = null;
let isoDir: string;

beforeAll(async () => {
  // the boot ISO of grub-legacy guests, built as a box's engineer would (npm run boot-iso)
  isoDir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-bootiso-'));
  const iso = await buildBootIso({ out: path.join(isoDir, 'vzferry-boot.iso') });
  // 48 containers (the Debian 12 one is the 12th of hv1), enough small ones of every distribution
  stack = await startLabStack('pipelinelab', { hosts: 2, containers: 48, debian12: true }, { BOOT_ISO: iso.path });
}, 900_000);

afterAll(async () => {
  if (stack?.workerLog.length) console.log(stack.workerLog.slice(-80).join('\n'));
  await vm?.stop();
  await stack?.stop();
  if (isoDir) rmSync(isoDir, { recursive: true, force: true });
}, 120_000);

type Candidate = Awaited<ReturnType<typeof allContainers>>[number];
const allContainers = () =>
  stack.t.prisma.container.findMany({ include: { ips: true, sourceHost: true }, orderBy: { sourceCtid: 'asc' } });
const osOf = (c: Candidate) => parseOsTemplate(c.ostemplate);
const legacy = (c: Candidate) => Boolean(osOf(c) && usesLegacyGrub(osOf(c)!));

/**
 * The Debian 12 container and five synthetic ones of three distributions on
 * both hosts, each with IPv4 addresses only; one of them a grub-legacy CentOS
 * (the boot-ISO path).
 */
async function pickContainers() {
  const all = await allContainers();
  const debian12 = all.find((c) => c.sourceCtid === DEBIAN12_CTID)!;
  const chosen = [debian12];
  const candidates = all.filter((c) => {
    // small quotas: the box reserves a container's whole disk before it starts
    const small = (c.diskQuotaKb ?? 0n) <= 20n * 1024n * 1024n;
    return (
      c !== debian12 &&
      c.status === 'running' &&
      small &&
      osOf(c) &&
      c.ips.length > 0 &&
      c.ips.every((ip) => ip.family === 4)
    );
  });
  const wants: Array<(c: Candidate) => boolean> = [
    (c) => osOf(c)!.distribution === 'centos' && !legacy(c),
    (c) => osOf(c)!.distribution === 'ubuntu',
    (c) => osOf(c)!.distribution === 'debian',
    legacy,
    (c) => osOf(c)!.distribution === 'ubuntu',
  ];
  for (const want of wants) {
    const taken = new Set(chosen.map((c) => c.id));
    const hostsUsed = chosen.filter(want).map((c) => c.sourceHostId);
    const ct =
      candidates.find((c) => !taken.has(c.id) && want(c) && !hostsUsed.includes(c.sourceHostId)) ??
      candidates.find((c) => !taken.has(c.id) && want(c));
    if (ct) chosen.push(ct);
  }
  return chosen;
}

/** path -> digest of every file, link and directory mode under a tree */
function treeDigests(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(root, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      const p = path.join(root, r);
      const st = lstatSync(p);
      const h = createHash('sha256').update(`${st.mode}\0${st.uid}\0${st.gid}\0`);
      if (st.isSymbolicLink()) h.update(readlinkSync(p));
      else if (st.isFile()) h.update(readFileSync(p));
      out.set(r, h.digest('hex'));
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

/**
 * What prepare_source may change in a source container: the files of the
 * packages it installed (dpkg's lists, or the lab's boot files in a synthetic
 * guest), the package manager's own state, and the lab's churn.
 */
function allowedChange(root: string, rel: string, newPackageFiles: Set<string>): boolean {
  // merged /usr: dpkg lists /lib/x and /bin/x, the tree holds usr/lib/x and usr/bin/x
  const unmerged = rel.replace(/^usr\/(bin|sbin|lib|lib64)\//, '$1/');
  if (newPackageFiles.has(`/${rel}`) || newPackageFiles.has(`/${unmerged}`)) return true;
  const bookkeeping = [
    'var/lib/dpkg',
    'var/lib/apt',
    'var/cache/apt',
    'var/cache/debconf',
    'var/cache/ldconfig',
    'var/log',
    'var/lib/lab',
    'var/lib/systemd/deb-systemd',
    'var/lib/grub',
    'var/lib/ucf',
    'boot',
    'lib/modules',
    'usr/lib/modules',
    'usr/share/grub',
    'vmlinuz',
    'vmlinuz.old',
    'initrd.img',
    'initrd.img.old',
    'etc/ld.so.cache',
    'etc/kernel',
    'etc/default/grub',
    'etc/grub.d',
    'etc/initramfs-tools',
    'var/lib/initramfs-tools',
    // what the packages' maintainer scripts do: alternatives, init links, system groups, the hardware database
    'etc/alternatives',
    'etc/rc0.d',
    'etc/rc1.d',
    'etc/rc2.d',
    'etc/rc3.d',
    'etc/rc4.d',
    'etc/rc5.d',
    'etc/rc6.d',
    'etc/rcS.d',
    'etc/group',
    'etc/group-',
    'etc/gshadow',
    'etc/gshadow-',
    'etc/modules',
    'usr/lib/udev/hwdb.bin',
    'usr/share/doc',
    'usr/share/man',
    'usr/share/lintian',
    'usr/share/info',
  ];
  if (bookkeeping.some((b) => rel === b || rel.startsWith(`${b}/`))) return true;
  const file = path.join(root, rel);
  // update-alternatives' links (/usr/bin/mt -> /etc/alternatives/mt)
  // (lstat, not existsSync: an absolute link points into the guest, not into this machine)
  const st = lstatSync(file, { throwIfNoEntry: false });
  if (st?.isSymbolicLink() && readlinkSync(file).startsWith('/etc/alternatives/')) return true;
  // a directory whose entries changed has a new mtime but the same mode: only its entries count
  return st?.isDirectory() ?? false;
}

function dpkgFiles(root: string): Map<string, string[]> {
  const info = path.join(root, 'var/lib/dpkg/info');
  if (!existsSync(info)) return new Map();
  return new Map(
    readdirSync(info)
      .filter((f) => f.endsWith('.list'))
      .map((f) => [f, readFileSync(path.join(info, f), 'utf8').split('\n').filter(Boolean)]),
  );
}

describe('a batch on the lab, through all 16 stages', () => {
  it(
    'migrates six containers of four distributions from two hypervisors; the Debian VM boots on its original IP',
    // the guests' tools run in the appliance VM under TCG here: the Debian initramfs alone takes many minutes
    { timeout: 4_200_000 },
    async () => {
      const containers = await pickContainers();
      expect(containers).toHaveLength(6);
      expect(new Set(containers.map((c) => c.sourceHostId)).size).toBe(2);
      expect(new Set(containers.map((c) => parseOsTemplate(c.ostemplate)!.distribution))).toEqual(
        new Set(['debian', 'centos', 'ubuntu']),
      );
      // the customers agreed to migrate now (waiting for windows has its own tests)
      await stack.t.prisma.container.updateMany({
        where: { id: { in: containers.map((c) => c.id) } },
        data: { downtimeWindow: null },
      });
      const trees = new Map(
        containers.map((c) => [
          c.id,
          path.join(stack.dir, 'lab/hosts', c.sourceHost.name, 'vz/private', String(c.sourceCtid)),
        ]),
      );
      const before = new Map(
        [...trees].map(([id, root]) => [id, { digests: treeDigests(root), lists: dpkgFiles(root) }]),
      );

      const batch = await createBatch(
        stack.t.db,
        { name: 'lab wave 1', containerIds: containers.map((c) => c.id), concurrency: 6 },
        actor,
      );
      await startBatch(stack.t.db, batch.id, {});
      const runs = await waitForBatch(stack, batch.id, 3_600_000);

      // every run: done, each of the 16 stages succeeded once in order, a downtime window recorded
      for (const run of runs) {
        const stages = await stack.t.prisma.stageRun.findMany({
          where: { runId: run.id },
          orderBy: [{ queuedAt: 'asc' }],
        });
        const errors = stages.filter((s) => s.error).map((s) => `${s.stage}: ${s.error}`);
        expect(run.status, `${run.container.sourceCtid}: ${errors.join('; ')}`).toBe('succeeded');
        expect(stages.filter((s) => s.status === 'succeeded').map((s) => s.stage)).toEqual([...STAGES]);
        expect(run.downtimeStartedAt).not.toBeNull();
        expect(run.downtimeEndedAt!.getTime()).toBeGreaterThan(run.downtimeStartedAt!.getTime());
      }
      // the scheduler's next tick closes the batch
      await expect
        .poll(async () => (await stack.t.prisma.batch.findUniqueOrThrow({ where: { id: batch.id } })).status, {
          timeout: 30_000,
        })
        .toBe('completed');

      // CloudStack: a Running VM per container with its IPs; no template left on secondary storage
      const cs = stack.lab.cloudstack!.simulator.state;
      for (const c of containers) {
        const run = runs.find((r) => r.containerId === c.id)!;
        const vmState = cs.vms.find((v) => v.id === run.cloudstackVmId);
        expect(vmState?.state, `VM of ${c.sourceCtid}`).toBe('Running');
        const vmIps = vmState!.nics.flatMap((n) => [n.ipaddress, ...n.secondaryips.map((s) => s.ipaddress)]).sort();
        expect(vmIps).toEqual(c.ips.map((ip) => ip.address).sort());
      }
      expect(cs.templates.filter((tpl) => tpl.kind === 'template' && !tpl.removed)).toEqual([]);

      // the grub-legacy CentOS: its VM booted the boot ISO (under QEMU, in the lab) with an IDE-era OS type;
      // the ISO ran the guest's job in the guest's own chroot and called back; then the VM moved to its virtio type
      const legacyCt = containers.find(legacy)!;
      const major = osOf(legacyCt)!.version;
      const legacyRun = await stack.t.prisma.migrationRun.findFirstOrThrow({ where: { containerId: legacyCt.id } });
      expect(legacyRun).toMatchObject({ bootExitStatus: 0, bootTokenSha256: null });
      expect(legacyRun.bootLog).toMatch(/vzferry job: kernel 4\.19\.0-lab, disk \/dev\/sda/);
      expect(legacyRun.bootLog).toMatch(/install \/boot\/grub\/stage1 \(hd0\).*succeeded/);
      expect(legacyRun.bootLog).toMatch(/vzferry job: done/);
      const mapping = await stack.t.prisma.osTypeMapping.findFirstOrThrow({
        where: { distribution: 'centos', version: major },
      });
      const legacyVm = cs.vms.find((v) => v.id === legacyRun.cloudstackVmId)!;
      expect(legacyVm).toMatchObject({ state: 'Running', isoid: null, ostypeid: mapping.osTypeId });
      expect(cs.osTypes.find((o) => o.id === mapping.legacyOsTypeId)?.description).toBe('Other Linux (64-bit)');
      const initrd = major === '6' ? 'boot/initramfs-4.19.0-lab.img' : 'boot/initrd-4.19.0-lab.img';
      const onDisk = await readFromVolume(
        stack.lab.cloudstack!.simulator.rootVolumePath(legacyVm.id),
        ['boot/grub/grub.conf', 'boot/grub/lab-mbr', initrd, 'root/vzferry-boot/job.log', 'root/vzferry-boot/callback'],
        isoDir,
      );
      expect(onDisk['boot/grub/grub.conf']).toMatch(
        /^title CentOS \(4\.19\.0-lab\)\n\troot \(hd0,0\)\n\tkernel \/boot\/vmlinuz-4\.19\.0-lab ro root=UUID=\S+ console=tty0 console=ttyS0,115200n8/m,
      );
      expect(onDisk['boot/grub/lab-mbr']).toMatch(/MBR of \/dev\/sda/);
      expect(onDisk[initrd]).toMatch(/virtio_blk/);
      expect(onDisk['root/vzferry-boot/job.log']).toMatch(/vzferry job: done/);
      // the token does not stay in the customer's VM
      expect(onDisk['root/vzferry-boot/callback']).toBeNull();

      // the sources: stopped, onboot=no, files unchanged but for prepare_source's packages and the churn
      for (const c of containers) {
        const conf = readFileSync(
          path.join(stack.dir, 'lab/hosts', c.sourceHost.name, 'etc-vz/conf', `${c.sourceCtid}.conf`),
          'utf8',
        );
        expect(conf, `${c.sourceCtid}.conf`).toMatch(/^ONBOOT="no"$/m);
        const root = trees.get(c.id)!;
        const was = before.get(c.id)!;
        const lists = dpkgFiles(root);
        const newPackageFiles = new Set(
          [...lists]
            .filter(([f, files]) => was.lists.get(f)?.join('\n') !== files.join('\n'))
            .flatMap(([, files]) => files),
        );
        const now = treeDigests(root);
        const changed = [...now].filter(([p, d]) => was.digests.get(p) !== d).map(([p]) => p);
        const removed = [...was.digests.keys()].filter((p) => !now.has(p));
        expect(
          changed.filter((p) => !allowedChange(root, p, newPackageFiles)),
          `changed in ${c.sourceCtid}`,
        ).toEqual([]);
        expect(
          removed.filter((p) => !allowedChange(root, p, newPackageFiles)),
          `removed from ${c.sourceCtid}`,
        ).toEqual([]);
      }
      expect(stack.workerLog.join('\n')).not.toMatch(/secretKey|BEGIN OPENSSH PRIVATE KEY/);

      // the Debian VM's ROOT volume, as the lab's secondary storage downloaded it, boots on 10.0.2.15;
      // it was made bootable before the downtime (after initial_sync), kept through the final sync: no
      // appliance VM started in make_bootable
      const debianRun = runs.find((r) => r.container.sourceCtid === DEBIAN12_CTID)!;
      const bootable = await stack.t.prisma.stageRun.findFirstOrThrow({
        where: { runId: debianRun.id, stage: 'make_bootable', status: 'succeeded' },
      });
      expect(bootable.message).toMatch(/made before the downtime/);
      expect(
        await stack.t.prisma.runEvent.count({
          where: { stageRunId: bootable.id, message: { contains: 'appliance: started' } },
        }),
      ).toBe(0);
      const volume = stack.lab.cloudstack!.simulator.rootVolumePath(debianRun.cloudstackVmId!);
      expect(execFileSync('sha256sum', [volume], { encoding: 'utf8' }).split(' ')[0]).toBe(debianRun.imageSha256);
      vm = await bootOnOriginalIp(volume, path.join(stack.dir, 'serial.log'));
      // /etc/hostname holds the short name, as vzctl's debian-set_hostname.sh and hostname(5) want it
      expect(vm.serial()).toMatch(/ct1012 login:/);
      await expectSshOnOriginalIp(vm);
    },
  );
});
