// A staged cutover on the lab, end to end, with the real worker: the
// bootable Debian 12 container is converted, registered and deployed as a
// stopped VM while it runs on (the VM's first start, with the boot ISO,
// only makes its root volume; then its template goes). The customer keeps
// writing and deleting files while the run waits for its window. At the
// cutover only stop_source, final_sync and verify run in the downtime: the
// VM boots the boot ISO under QEMU, pulls the changes from the box's delta
// server, calls back and then starts from its own disk, whose files are the
// container's at the stop; that disk boots on the container's IP.
import { existsSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageOrder } from '@vzferry/core';
import { createBatch, startBatch } from '@vzferry/db';
import { waitForBatch, type LabStack } from './support/lab-stack';
import { privateDir, until } from './support/lab-runs';
import { bootOnOriginalIp, expectSshOnOriginalIp, type BootedVm } from './support/qemu';
import { startStagedStack, type StagedStack } from './support/staged-stack';
import { readFromVolume } from './support/volume';

const DEBIAN12_CTID = 1012;
const actor = { name: 'test' };

let staged: StagedStack;
let stack: LabStack;
let vm: BootedVm | null = null;

beforeAll(async () => {
  staged = await startStagedStack('staged', { hosts: 1, containers: 12, debian12: true });
  stack = staged.stack;
}, 900_000);

afterAll(async () => {
  await vm?.stop();
  await staged?.stop();
}, 120_000);

describe('a staged cutover on the lab', () => {
  it(
    'stages the Debian 12 VM before the window; the cutover carries the writes and deletions made since; the VM boots on its IP',
    // the guest's initramfs is made in the appliance VM under TCG: minutes
    { timeout: 3_600_000 },
    async () => {
      const ct = await stack.t.prisma.container.findFirstOrThrow({
        where: { sourceCtid: DEBIAN12_CTID },
        include: { sourceHost: true },
      });
      const root = privateDir(stack, { sourceCtid: ct.sourceCtid, hostName: ct.sourceHost.name });
      writeFileSync(path.join(root, 'root/deleted-after-staging.txt'), 'there when the VM was staged\n');
      // a window the run must wait for: the test opens it once the VM is staged
      await stack.t.prisma.container.update({ where: { id: ct.id }, data: { downtimeWindow: '03:00-03:01' } });
      const batch = await createBatch(stack.t.db, { name: 'staged', containerIds: [ct.id], concurrency: 1 }, actor);
      await startBatch(stack.t.db, batch.id, {});
      const run = await until(
        'the run to wait for its window with the VM staged',
        async () => {
          const r = await stack.t.prisma.migrationRun.findFirst({ where: { batchId: batch.id } });
          if (r && ['failed', 'cancelled'].includes(r.status)) throw new Error(`the run ${r.status}: ${r.error}`);
          return r?.status === 'waiting' && r.currentStage === 'await_cutover' && r;
        },
        2_400_000,
      );
      expect(run.cutoverPath).toBe('staged');
      expect(run.downtimeStartedAt).toBeNull();
      const cs = stack.lab.cloudstack!.simulator;
      const stagedVm = cs.state.vms.find((v) => v.id === run.cloudstackVmId);
      // stopped, no ISO, holding the container's IPs; its root volume exists and the template is gone
      expect(stagedVm).toMatchObject({ state: 'Stopped', isoid: null });
      const vmIps = stagedVm!.nics.flatMap((n) => [n.ipaddress, ...n.secondaryips.map((s) => s.ipaddress)]);
      expect(vmIps.length).toBeGreaterThan(0);
      expect(existsSync(cs.rootVolumePath(stagedVm!.id))).toBe(true);
      expect(cs.state.templates.filter((t) => t.kind === 'template' && !t.removed)).toEqual([]);
      const projected = await until('a projected downtime', async () => {
        const r = await stack.t.prisma.migrationRun.findUniqueOrThrow({ where: { id: run.id } });
        return r.projectedDowntimeMs;
      });

      // the customer goes on working: a file written, one deleted
      const written = `written after staging at ${new Date().toISOString()}\n`;
      writeFileSync(path.join(root, 'root/written-after-staging.txt'), written);
      unlinkSync(path.join(root, 'root/deleted-after-staging.txt'));
      // the window opens now (no window: cut over at once); await_cutover sees it at its next catch-up
      await stack.t.prisma.container.update({ where: { id: ct.id }, data: { downtimeWindow: null } });
      const [done] = await waitForBatch(stack, batch.id, 900_000);
      const stages = await stack.t.prisma.stageRun.findMany({ where: { runId: run.id }, orderBy: { queuedAt: 'asc' } });
      const errors = stages.filter((s) => s.error).map((s) => `${s.stage}: ${s.error}`);
      expect(done!.status, errors.join('; ')).toBe('succeeded');
      expect(stages.filter((s) => s.status === 'succeeded').map((s) => s.stage)).toEqual([...stageOrder('staged')]);
      // only stop_source, final_sync and verify ran in the downtime
      const down = stages.filter(
        (s) => s.finishedAt! > done!.downtimeStartedAt! && s.startedAt! <= done!.downtimeEndedAt!,
      );
      expect(down.map((s) => s.stage)).toEqual(['stop_source', 'final_sync', 'verify']);
      const downtimeMs = done!.downtimeEndedAt!.getTime() - done!.downtimeStartedAt!.getTime();
      console.log(`[test] staged downtime ${(downtimeMs / 1000).toFixed(1)} s, projected ${projected / 1000} s`);
      expect(done!.bootExitStatus).toBe(0);
      expect(done!.bootLog).toMatch(/pull: /);

      const vmNow = cs.state.vms.find((v) => v.id === run.cloudstackVmId)!;
      expect(vmNow).toMatchObject({ state: 'Running', isoid: null });
      expect(cs.state.vms.filter((v) => v.state !== 'Destroyed')).toHaveLength(1);
      const volume = cs.rootVolumePath(vmNow.id);
      const onDisk = await readFromVolume(
        volume,
        ['root/written-after-staging.txt', 'root/deleted-after-staging.txt', 'root/vzferry-boot/staging', 'etc/fstab'],
        staged.dir,
      );
      expect(onDisk['root/written-after-staging.txt']).toBe(written);
      expect(onDisk['root/deleted-after-staging.txt']).toBeNull();
      expect(onDisk['root/vzferry-boot/staging']).toBeNull();
      // the plan's files, written again after the final sync brought the container's own back
      expect(onDisk['etc/fstab']).toMatch(/^UUID=\S+ \/ ext4/m);

      vm = await bootOnOriginalIp(volume, path.join(stack.dir, 'staged-serial.log'));
      expect(vm.serial()).toMatch(/ct1012 login:/);
      await expectSshOnOriginalIp(vm);
    },
  );
});
