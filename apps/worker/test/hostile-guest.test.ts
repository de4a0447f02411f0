// The lab's hostile container (apps/lab/src/openvz/hostile.ts) migrated by
// the real worker: its tree has links out of the guest on every path the
// conversion reads or writes (the backup folder, /etc/network,
// /etc/default/grub, rc.local, the call-back folder, /proc /sys /dev /run),
// all aimed at a canary directory this test makes; a setuid binary, device
// nodes and a 2 MiB single-line /etc/inittab. After the run: the canary is
// byte for byte what it was, the container's own tree on the hypervisor too,
// the conversion's writes landed inside the guest (on the VM's disk), and
// the worker's event loop kept its heartbeat (every 2 s) all along.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch, startBatch } from '@vzferry/db';
import { snapshotTree } from '@vzferry/guest/testing';
import { HOSTILE_CTID, HOSTILE_IP, HOSTILE_REPORT_DIR, makeHostileCanary } from '@vzferry/lab';
import { startLabStack, waitForBatch, type LabStack } from './support/lab-stack';
import { readFromVolume } from './support/volume';

/** the stage runner's heartbeat (packages/pipeline/src/engine/stage-runner.ts) */
const HEARTBEAT_MS = 2_000;
/** what the hooks write through /proc/<pid>/root if guest code runs on this machine */
const PROC_ESCAPE = 'proc-escape';

let stack: LabStack;
let scratch: string;
let canary: string;
let canaryBefore: Record<string, string>;
let source: string;
let sourceBefore: Record<string, string>;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'vzferry-hostile-'));
  canary = path.join(scratch, 'canary');
  makeHostileCanary(canary);
  canaryBefore = snapshotTree(canary);
  stack = await startLabStack('hostile', { hosts: 1, containers: 3, debian12: false, hostileCanary: canary });
  source = path.join(stack.dir, 'lab/hosts/hv1/vz/private', String(HOSTILE_CTID));
  sourceBefore = snapshotTree(source);
}, 600_000);

afterAll(async () => {
  if (stack) console.log(stack.workerLog.filter((l) => l.startsWith('[test]') || /error|fail/i.test(l)).join('\n'));
  await stack?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}, 120_000);

/** Every heartbeat of every stage attempt of the run, sampled every 200 ms until `done` resolves. */
function recordHeartbeats(runId: string, done: Promise<unknown>): Promise<Map<string, number[]>> {
  const beats = new Map<string, number[]>();
  let finished = false;
  void done.finally(() => (finished = true));
  return (async () => {
    while (!finished) {
      const rows = await stack.t.prisma.stageRun.findMany({
        where: { runId, status: 'running' },
        select: { stage: true, attempt: true, heartbeatAt: true },
      });
      for (const r of rows) {
        const key = `${r.stage}#${r.attempt}`;
        const list = beats.get(key) ?? [];
        const at = r.heartbeatAt?.getTime();
        if (at !== undefined && at !== list[list.length - 1]) list.push(at);
        beats.set(key, list);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return beats;
  })();
}

describe('the hostile container', () => {
  it(
    'migrates without a change outside its work tree, its writes inside the guest, the worker responsive',
    { timeout: 1_200_000 },
    async () => {
      const ct = await stack.t.prisma.container.findFirstOrThrow({ where: { sourceCtid: HOSTILE_CTID } });
      await stack.t.prisma.container.update({ where: { id: ct.id }, data: { downtimeWindow: null } });
      const batch = await createBatch(stack.t.db, { name: 'hostile', containerIds: [ct.id] }, { name: 'test' });
      await startBatch(stack.t.db, batch.id, {});
      const { id: runId } = await stack.t.prisma.migrationRun.findFirstOrThrow({ where: { batchId: batch.id } });
      const ended = waitForBatch(stack, batch.id, 1_100_000);
      const beats = recordHeartbeats(runId, ended);
      const [run] = await ended;
      const stages = await stack.t.prisma.stageRun.findMany({ where: { runId }, orderBy: { queuedAt: 'asc' } });
      const failedStage = stages.find((s) => s.status === 'failed');
      const lastLines = failedStage
        ? await stack.t.prisma.runEvent.findMany({
            where: { stageRunId: failedStage.id },
            orderBy: { id: 'desc' },
            take: 40,
          })
        : [];
      const story = [
        ...stages.map((s) => `${s.stage}#${s.attempt} ${s.status}: ${s.message ?? s.error ?? ''}`),
        ...lastLines.reverse().map((e) => `  | ${e.message.trimEnd()}`),
      ].join('\n');
      // first, whatever the outcome: nothing outside the work tree changed (the canary the links aim at,
      // the container on its hypervisor)
      expect(snapshotTree(canary)).toEqual(canaryBefore);
      expect(snapshotTree(source)).toEqual(sourceBefore);

      expect(run!.status, story).toBe('succeeded');

      // the conversion's writes are on the VM's disk, where the guest's links lead inside the guest
      const inGuest = (p: string) => path.posix.join(canary.slice(1), p);
      const volume = stack.lab.cloudstack!.simulator.rootVolumePath(run!.cloudstackVmId!);
      const files = await readFromVolume(
        volume,
        [
          'root/vzferry-backup/FILES',
          'etc/default/grub',
          'etc/rc.local',
          inGuest('network/interfaces'),
          inGuest('default-grub'),
          inGuest('backup/FILES'),
          'etc/inittab',
        ],
        scratch,
      );
      // the guest's link at the backup folder was replaced by the folder; the guest's own files are in it
      expect(files['root/vzferry-backup/FILES']).toMatch(/^\/etc\/default\/grub$/m);
      expect(files[inGuest('backup/FILES')]).toBeNull();
      // written in place of the links, not through them
      expect(files['etc/default/grub']).toContain('console=ttyS0');
      expect(files['etc/rc.local']).not.toBeNull();
      expect(files[inGuest('default-grub')]).toMatch(/^GRUB_DEFAULT=0/); // the guest's own file, backed up, left alone
      // through the guest's /etc/network link, resolved inside the guest
      expect(files[inGuest('network/interfaces')]).toContain(HOSTILE_IP);
      // the 2 MiB line stays as the customer wrote it, the consoles follow
      const inittab = files['etc/inittab']!.split('\n');
      expect(inittab[0]!.length).toBeGreaterThan(2 * 1024 * 1024);
      expect(inittab.some((l) => /^T0:.*ttyS0/.test(l))).toBe(true);

      // the event loop kept the heartbeat: from each stage's start through its beats to its end, no step
      // longer than two intervals (one beat late at most), the stages that read the 2 MiB inittab included
      const seen = await beats;
      const gaps = stages
        .filter((s) => s.startedAt && s.finishedAt)
        .flatMap((s) => {
          const key = `${s.stage}#${s.attempt}`;
          const at = [s.startedAt!.getTime(), ...(seen.get(key) ?? []), s.finishedAt!.getTime()].sort((a, b) => a - b);
          return at.slice(1).map((t, i) => ({ stage: key, gapMs: t - at[i]! }));
        });
      const worst = gaps.reduce((a, b) => (b.gapMs > a.gapMs ? b : a));
      console.log(`${gaps.length} steps between heartbeats, the longest ${worst.gapMs} ms (${worst.stage})`);
      expect(new Set(gaps.map((g) => g.stage))).toEqual(new Set(stages.map((s) => `${s.stage}#${s.attempt}`)));
      expect(worst.gapMs, JSON.stringify(worst)).toBeLessThanOrEqual(2 * HEARTBEAT_MS);

      // the process side: the hooks the guest's tools ran (initramfs hooks, grub.d) saw the appliance VM only,
      // not this machine's processes, environment or network, and wrote nothing through a /proc/<pid>/root
      const dir = HOSTILE_REPORT_DIR.slice(1);
      const names = (await readFromVolume(volume, [`${dir}/`], scratch))[`${dir}/`]?.split('\n') ?? [];
      const hooks = names.map((n) => n.replace(/\.\d+\.txt$/, ''));
      expect(new Set(hooks)).toEqual(new Set(['vzferry-hostile', '09_vzferry_hostile']));
      const reports = await readFromVolume(
        volume,
        names.map((n) => `${dir}/${n}`),
        scratch,
      );
      for (const [name, text] of Object.entries(reports)) {
        expect(text, name).toMatch(/^== \/proc\/<pid>\/root$/m);
        expect(text, name).not.toMatch(/ESCAPE/);
        expect(text, name).not.toMatch(/DATABASE_URL|VZFERRY_|REDIS|SSH_AUTH_SOCK/);
        // the appliance has no network device: only the loopback in /proc/net/dev
        const devices = text!.split('== network\n')[1]!.match(/^\s*([\w.-]+):/gm) ?? [];
        expect(
          devices.map((d) => d.trim()),
          name,
        ).toEqual(['lo:']);
      }
      expect(existsSync(path.join(canary, PROC_ESCAPE))).toBe(false);
    },
  );
});
