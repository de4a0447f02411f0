// The dry run of preflight on the lab, run by the real worker: a draft batch
// of two containers, one that preflight passes and one it fails (a CentOS 5
// guest and no boot ISO on the box); the job records every check of both
// (SSH with the pinned key, the box's disk and route, CloudStack's limits,
// mappings and free IPs, the source host's rsync) and leaves every run, the
// batch and the containers as they were, and no decrypted SSH key on the box.
import { existsSync, readdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch, getBatchPlan, requestDryRunPreflight } from '@vzferry/db';
import { parseOsTemplate, usesLegacyGrub } from '@vzferry/guest';
import { applianceImage } from '@vzferry/pipeline';
import { startLabStack, type LabStack } from './support/lab-stack';
import { enqueue } from './support/lab-runs';

const actor = { name: 'test' };
let stack: LabStack;

beforeAll(async () => {
  stack = await startLabStack('dryrun', { hosts: 1, containers: 12, debian12: false });
}, 600_000);

afterAll(async () => {
  await stack?.stop();
}, 120_000);

/** What a dry run must not change: the runs, their stage attempts and log, the batch, the containers. */
async function untouched(batchId: string) {
  const p = stack.t.prisma;
  return {
    runs: await p.migrationRun.findMany({ where: { batchId }, orderBy: { id: 'asc' } }),
    batch: await p.batch.findUniqueOrThrow({ where: { id: batchId } }),
    containers: await p.container.findMany({ where: { runs: { some: { batchId } } }, orderBy: { id: 'asc' } }),
    stageRuns: await p.stageRun.count({ where: { run: { batchId } } }),
    events: await p.runEvent.count({ where: { run: { batchId } } }),
  };
}

describe('the dry run of preflight', () => {
  it(
    'records a passing and a failing container with every check, and changes nothing',
    { timeout: 300_000 },
    async () => {
      const all = await stack.t.prisma.container.findMany({ include: { ips: true }, orderBy: { sourceCtid: 'asc' } });
      const fits = (c: (typeof all)[number]) =>
        (c.diskQuotaKb ?? 0n) <= 50n * 1024n * 1024n && c.ips.length > 0 && c.ips.every((ip) => ip.family === 4);
      const legacy = (c: (typeof all)[number]) => {
        const os = parseOsTemplate(c.ostemplate);
        return os !== null && usesLegacyGrub(os);
      };
      const passing = all.find((c) => fits(c) && !legacy(c) && parseOsTemplate(c.ostemplate));
      const failing = all.find((c) => fits(c) && legacy(c));
      if (!passing || !failing) throw new Error('the lab has no pair of containers for this test');

      const batch = await createBatch(stack.t.db, { name: 'dry run', containerIds: [passing.id, failing.id] }, actor);
      const before = await untouched(batch.id);
      const { dryRunId, box, job } = await requestDryRunPreflight(stack.t.db, batch.id, actor);
      expect(box).toBe('box-test');
      await enqueue(stack, [job]);

      const plan = await dryRunDone(batch.id);
      expect(plan.dryRun).toMatchObject({
        id: dryRunId,
        error: null,
        checked: 2,
        box: { name: 'box-test', online: true },
      });

      const of = (containerId: string) => plan.runs.find((r) => r.container.id === containerId)!.dryRun!;
      const pass = of(passing.id);
      expect(pass.findings.filter((f) => !f.ok)).toEqual([]);
      expect(pass.ok).toBe(true);
      const codes = pass.findings.map((f) => f.code);
      for (const code of [
        'os_supported',
        'source_reachable',
        'container_exists',
        'box_free_disk',
        'networks_mapped',
        'networks_match',
        'offering_mapped',
        'ostype_mapped',
        'ips_free',
        'interconnect_route',
        'source_rsync',
        'box_rsync',
        'guest_jobs',
      ])
        expect(codes).toContain(code);
      // the lab's hypervisor runs this machine's rsync (Debian 12's 3.5.0+ds1-0+deb12u1: no symlink race)
      expect(pass.findings).toContainEqual({
        ok: true,
        code: 'source_rsync',
        message: expect.stringMatching(/^rsync \d+\.\d+\.\d+\S* on hv1 \(protocol \d+\)$/),
      });
      // and the box's own rsync, the client the hypervisor's rsync talks to
      expect(pass.findings).toContainEqual({
        ok: true,
        code: 'box_rsync',
        message: expect.stringMatching(/^rsync \d+\.\d+\.\d+\S* on \S+ \(protocol \d+\)$/),
      });

      const fail = of(failing.id);
      expect(fail.ok).toBe(false);
      expect(fail.findings.filter((f) => !f.ok)).toEqual([
        {
          ok: false,
          code: 'boot_iso',
          message: expect.stringMatching(new RegExp(`^container ${failing.sourceCtid} on hv1: .*boot ISO`)),
        },
      ]);
      // the checks before it ran too: the source host answered for this one as well
      expect(fail.findings).toContainEqual(expect.objectContaining({ ok: true, code: 'source_reachable' }));

      expect(await untouched(batch.id)).toEqual(before);
      // the checks logged in with the host's key (ssh2, in memory): no key file stays, where earlier versions kept them either
      expect(existsSync(path.join(stack.dir, 'data/keys'))).toBe(false);
      const worker = stack.worker()!.pid!;
      expect(readdirSync('/dev/shm').filter((n) => n.startsWith(`vzferry-ssh-${worker}-`))).toEqual([]);
      expect(before.runs.map((r) => r.status)).toEqual(['pending', 'pending']);
      expect(before.batch.status).toBe('draft');
    },
  );

  it(
    'fails a box without the guest-job appliance before anything is copied, and says how to build it',
    { timeout: 300_000 },
    async () => {
      const container = await stack.t.prisma.container.findFirstOrThrow({
        where: { status: 'running', ostemplate: { startsWith: 'debian' } },
      });
      // the kernel of the appliance the stack gave its worker, away for this dry run
      const { kernel } = applianceImage(path.join(stack.dir, 'boot/vzferry-appliance'));
      if (!existsSync(kernel)) throw new Error('the stack has no appliance kernel');
      renameSync(kernel, `${kernel}.away`);
      try {
        const batch = await createBatch(stack.t.db, { name: 'no appliance', containerIds: [container.id] }, actor);
        const { job } = await requestDryRunPreflight(stack.t.db, batch.id, actor);
        await enqueue(stack, [job]);
        const plan = await dryRunDone(batch.id);
        const findings = plan.runs[0]!.dryRun!.findings;
        expect(findings.filter((f) => !f.ok && f.code === 'guest_jobs')).toEqual([
          {
            ok: false,
            code: 'guest_jobs',
            message: expect.stringMatching(
              /^converter box box-test: the guest-job appliance is missing .*npm run boot-iso/,
            ),
          },
        ]);
        expect(findings).toContainEqual(expect.objectContaining({ ok: true, code: 'source_reachable' }));
      } finally {
        renameSync(`${kernel}.away`, kernel);
      }
    },
  );
});

async function dryRunDone(batchId: string) {
  const deadline = Date.now() + 240_000;
  let plan = await getBatchPlan(stack.t.db, batchId);
  while (!plan.dryRun?.finishedAt) {
    if (Date.now() > deadline) throw new Error(`the dry run did not finish:\n${stack.workerLog.slice(-20).join('\n')}`);
    await new Promise((r) => setTimeout(r, 1_000));
    plan = await getBatchPlan(stack.t.db, batchId);
  }
  return plan;
}
