// The whole pipeline on the lab, end to end: the real worker process (its
// engine, stages, template server, delta server) migrates six containers from
// two simulated OpenVZ hypervisors into the lab's CloudStack through all 16
// stages. Five synthetic CentOS, Ubuntu and Debian guests go the classic way
// (the image moves in the downtime), one of them a grub-legacy CentOS 5 whose
// VM boots the boot ISO (under QEMU in the lab) before it runs from its own
// disk. The real Debian 12 container goes staged (docs/architecture.md,
// "Staged cutover"): converted, registered and deployed as a stopped VM while
// it runs on, the VM's first start (with the boot ISO) only makes its root
// volume, then its template goes; the customer writes and deletes files while
// the run waits for its window; at the cutover only stop_source, final_sync
// and verify are in the downtime, the VM pulls the changes from the box's
// delta server under QEMU and starts from its own disk. Then: every run
// succeeded stage by stage in its order with a recorded downtime; the VMs run
// with the containers' IPs, which answer; the templates are gone from
// secondary storage; the sources are stopped with onboot=no and their files
// unchanged but for prepare_source's packages; and the Debian VM's root
// volume holds the files of the container at the stop and boots under QEMU on
// the container's original IP.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageOrder } from '@vzferry/core';
import { createBatch, savePipelineSettings, startBatch } from '@vzferry/db';
import { parseOsTemplate, usesLegacyGrub } from '@vzferry/guest';
import { waitForBatch, type LabStack } from './support/lab-stack';
import { until, windowIn12Hours } from './support/lab-runs';
import { bootOnOriginalIp, expectSshOnOriginalIp, type BootedVm } from './support/qemu';
import { startStagedStack, type StagedStack } from './support/staged-stack';
import { readFromVolume } from './support/volume';

const DEBIAN12_CTID = 1012;
const actor = { name: 'test' };

let staged: StagedStack;
let stack: LabStack;
let vm: BootedVm | null = null;

beforeAll(async () => {
  // the boot ISO (grub-legacy guests, staged pulls), built as a box's engineer would (npm run boot-iso), and
  // the delta server; classic until the Debian run starts. 48 containers (the Debian 12 one is the 12th of
  // hv1), enough small ones of every distribution
  staged = await startStagedStack(
    'pipelinelab',
    { hosts: 2, containers: 48, debian12: true },
    { cutoverMode: 'classic' },
  );
  stack = staged.stack;
}, 900_000);

afterAll(async () => {
  await vm?.stop();
  await staged?.stop();
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

describe('six containers on the lab, through all 16 stages, classic and staged', () => {
  it(
    'migrates six containers of four distributions from two hypervisors; the staged Debian VM carries the last writes and boots on its original IP',
    // the guests' tools run in the appliance VM under TCG here: the Debian initramfs alone takes many minutes
    { timeout: 4_200_000 },
    async () => {
      const containers = await pickContainers();
      expect(containers).toHaveLength(6);
      expect(new Set(containers.map((c) => c.sourceHostId)).size).toBe(2);
      expect(new Set(containers.map((c) => parseOsTemplate(c.ostemplate)!.distribution))).toEqual(
        new Set(['debian', 'centos', 'ubuntu']),
      );
      const debian = containers.find((c) => c.sourceCtid === DEBIAN12_CTID)!;
      const classics = containers.filter((c) => c !== debian);
      // the customers agreed to migrate now, but for the Debian one, whose window the test opens once its VM is staged
      await stack.t.prisma.container.updateMany({
        where: { id: { in: classics.map((c) => c.id) } },
        data: { downtimeWindow: null },
      });
      await stack.t.prisma.container.update({
        where: { id: debian.id },
        data: { downtimeWindow: windowIn12Hours() },
      });
      const trees = new Map(
        containers.map((c) => [
          c.id,
          path.join(stack.dir, 'lab/hosts', c.sourceHost.name, 'vz/private', String(c.sourceCtid)),
        ]),
      );
      const debianRoot = trees.get(debian.id)!;
      writeFileSync(path.join(debianRoot, 'root/deleted-after-staging.txt'), 'there when the VM was staged\n');
      const before = new Map(
        [...trees].map(([id, root]) => [id, { digests: treeDigests(root), lists: dpkgFiles(root) }]),
      );

      // the classic wave first: each run keeps the order its preflight chose when the zone turns staged
      const wave = await createBatch(
        stack.t.db,
        { name: 'lab wave 1', containerIds: classics.map((c) => c.id), concurrency: 5 },
        actor,
      );
      await startBatch(stack.t.db, wave.id, {});
      await until(
        'the classic wave past preflight',
        async () =>
          (await stack.t.prisma.stageRun.count({
            where: { run: { batchId: wave.id }, stage: 'preflight', status: 'succeeded' },
          })) === classics.length,
        600_000,
      );
      await savePipelineSettings(stack.t.db, { cutoverMode: 'staged' });
      const stagedBatch = await createBatch(
        stack.t.db,
        { name: 'lab wave 1, staged', containerIds: [debian.id], concurrency: 1 },
        actor,
      );
      await startBatch(stack.t.db, stagedBatch.id, {});

      // the Debian VM staged while the container runs on: stopped, no ISO, holding the container's IPs; its
      // root volume exists and its template is gone
      const waiting = await until(
        'the Debian run to wait for its window with the VM staged',
        async () => {
          const r = await stack.t.prisma.migrationRun.findFirst({ where: { batchId: stagedBatch.id } });
          if (r && ['failed', 'cancelled'].includes(r.status)) throw new Error(`the run ${r.status}: ${r.error}`);
          return r?.status === 'waiting' && r.currentStage === 'await_cutover' && r.projectedDowntimeMs !== null && r;
        },
        2_400_000,
      );
      expect(waiting).toMatchObject({ cutoverPath: 'staged', downtimeStartedAt: null });
      const cs = stack.lab.cloudstack!.simulator;
      const stagedVm = cs.state.vms.find((v) => v.id === waiting.cloudstackVmId)!;
      expect(stagedVm).toMatchObject({ state: 'Stopped', isoid: null });
      const stagedIps = stagedVm.nics.flatMap((n) => [n.ipaddress, ...n.secondaryips.map((x) => x.ipaddress)]).sort();
      expect(stagedIps).toEqual(debian.ips.map((ip) => ip.address).sort());
      expect(existsSync(cs.rootVolumePath(stagedVm.id))).toBe(true);
      const debianUploads = await stack.t.prisma.templateUpload.findMany({ where: { runId: waiting.id } });
      expect(debianUploads.length).toBeGreaterThan(0);
      const left = cs.state.templates.filter(
        (tpl) => debianUploads.some((u) => u.cloudstackTemplateId === tpl.id) && tpl.removed === null,
      );
      expect(left).toEqual([]);

      // the customer goes on working: a file written, one deleted; then the window opens (none: at once), and
      // await_cutover sees it at its next catch-up
      const written = `written after staging at ${new Date().toISOString()}\n`;
      writeFileSync(path.join(debianRoot, 'root/written-after-staging.txt'), written);
      unlinkSync(path.join(debianRoot, 'root/deleted-after-staging.txt'));
      await stack.t.prisma.container.update({ where: { id: debian.id }, data: { downtimeWindow: null } });
      const runs = [
        ...(await waitForBatch(stack, wave.id, 3_600_000)),
        ...(await waitForBatch(stack, stagedBatch.id, 1_800_000)),
      ];

      // every run: done, each stage of its order succeeded once, a downtime window recorded
      for (const run of runs) {
        const stages = await stack.t.prisma.stageRun.findMany({
          where: { runId: run.id },
          orderBy: [{ queuedAt: 'asc' }],
        });
        const errors = stages.filter((st) => st.error).map((st) => `${st.stage}: ${st.error}`);
        expect(run.status, `${run.container.sourceCtid}: ${errors.join('; ')}`).toBe('succeeded');
        const path_ = run.containerId === debian.id ? 'staged' : 'classic';
        expect(run.cutoverPath).toBe(path_);
        expect(stages.filter((st) => st.status === 'succeeded').map((st) => st.stage)).toEqual([...stageOrder(path_)]);
        expect(run.downtimeStartedAt).not.toBeNull();
        expect(run.downtimeEndedAt!.getTime()).toBeGreaterThan(run.downtimeStartedAt!.getTime());
      }
      // the scheduler's next tick closes the batches
      for (const b of [wave, stagedBatch])
        await expect
          .poll(async () => (await stack.t.prisma.batch.findUniqueOrThrow({ where: { id: b.id } })).status, {
            timeout: 30_000,
          })
          .toBe('completed');

      // CloudStack: a Running VM per container with its IPs; no template left on secondary storage
      for (const c of containers) {
        const run = runs.find((r) => r.containerId === c.id)!;
        const vmState = cs.state.vms.find((v) => v.id === run.cloudstackVmId);
        expect(vmState?.state, `VM of ${c.sourceCtid}`).toBe('Running');
        const vmIps = vmState!.nics.flatMap((n) => [n.ipaddress, ...n.secondaryips.map((x) => x.ipaddress)]).sort();
        expect(vmIps).toEqual(c.ips.map((ip) => ip.address).sort());
      }
      expect(cs.state.templates.filter((tpl) => tpl.kind === 'template' && !tpl.removed)).toEqual([]);
      expect(cs.state.vms.filter((v) => v.state !== 'Destroyed')).toHaveLength(containers.length);

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
      const legacyVm = cs.state.vms.find((v) => v.id === legacyRun.cloudstackVmId)!;
      expect(legacyVm).toMatchObject({ state: 'Running', isoid: null, ostypeid: mapping.osTypeId });
      expect(cs.state.osTypes.find((o) => o.id === mapping.legacyOsTypeId)?.description).toBe('Other Linux (64-bit)');
      const initrd = major === '6' ? 'boot/initramfs-4.19.0-lab.img' : 'boot/initrd-4.19.0-lab.img';
      const onDisk = await readFromVolume(
        cs.rootVolumePath(legacyVm.id),
        ['boot/grub/grub.conf', 'boot/grub/lab-mbr', initrd, 'root/vzferry-boot/job.log', 'root/vzferry-boot/callback'],
        staged.dir,
      );
      expect(onDisk['boot/grub/grub.conf']).toMatch(
        /^title CentOS \(4\.19\.0-lab\)\n\troot \(hd0,0\)\n\tkernel \/boot\/vmlinuz-4\.19\.0-lab ro root=UUID=\S+ console=tty0 console=ttyS0,115200n8/m,
      );
      expect(onDisk['boot/grub/lab-mbr']).toMatch(/MBR of \/dev\/sda/);
      expect(onDisk[initrd]).toMatch(/virtio_blk/);
      expect(onDisk['root/vzferry-boot/job.log']).toMatch(/vzferry job: done/);
      // the token does not stay in the customer's VM
      expect(onDisk['root/vzferry-boot/callback']).toBeNull();

      // the sources: stopped, onboot=no, files unchanged but for prepare_source's packages, the churn and the
      // Debian customer's own two changes
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
        const customers = c === debian ? ['root/written-after-staging.txt', 'root/deleted-after-staging.txt'] : [];
        const allowed = (p: string) => customers.includes(p) || allowedChange(root, p, newPackageFiles);
        const now = treeDigests(root);
        const changed = [...now].filter(([p, d]) => was.digests.get(p) !== d).map(([p]) => p);
        const removed = [...was.digests.keys()].filter((p) => !now.has(p));
        expect(
          changed.filter((p) => !allowed(p)),
          `changed in ${c.sourceCtid}`,
        ).toEqual([]);
        expect(
          removed.filter((p) => !allowed(p)),
          `removed from ${c.sourceCtid}`,
        ).toEqual([]);
      }
      expect(stack.workerLog.join('\n')).not.toMatch(/secretKey|BEGIN OPENSSH PRIVATE KEY/);

      // the Debian run: only stop_source, final_sync and verify ran in its downtime; the VM pulled the changes
      const debianRun = runs.find((r) => r.containerId === debian.id)!;
      const debianStages = await stack.t.prisma.stageRun.findMany({ where: { runId: debianRun.id } });
      const down = debianStages
        .filter((st) => st.finishedAt! > debianRun.downtimeStartedAt! && st.startedAt! <= debianRun.downtimeEndedAt!)
        .sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime());
      expect(down.map((st) => st.stage)).toEqual(['stop_source', 'final_sync', 'verify']);
      const downtimeMs = debianRun.downtimeEndedAt!.getTime() - debianRun.downtimeStartedAt!.getTime();
      console.log(
        `[test] staged downtime ${(downtimeMs / 1000).toFixed(1)} s, projected ${waiting.projectedDowntimeMs! / 1000} s`,
      );
      expect(debianRun.bootExitStatus).toBe(0);
      expect(debianRun.bootLog).toMatch(/pull: /);
      // its root volume: the container's files at the stop, no staging marker, the plan's files written again
      // after the final sync brought the container's own back
      const volume = cs.rootVolumePath(debianRun.cloudstackVmId!);
      const debianDisk = await readFromVolume(
        volume,
        ['root/written-after-staging.txt', 'root/deleted-after-staging.txt', 'root/vzferry-boot/staging', 'etc/fstab'],
        staged.dir,
      );
      expect(debianDisk['root/written-after-staging.txt']).toBe(written);
      expect(debianDisk['root/deleted-after-staging.txt']).toBeNull();
      expect(debianDisk['root/vzferry-boot/staging']).toBeNull();
      expect(debianDisk['etc/fstab']).toMatch(/^UUID=\S+ \/ ext4/m);
      // and it boots on 10.0.2.15
      vm = await bootOnOriginalIp(volume, path.join(stack.dir, 'serial.log'));
      // /etc/hostname holds the short name, as vzctl's debian-set_hostname.sh and hostname(5) want it
      expect(vm.serial()).toMatch(/ct1012 login:/);
      await expectSshOnOriginalIp(vm);
    },
  );
});
