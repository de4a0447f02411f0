// The batch planner against a real PostgreSQL: a batch keeps its start time
// and its per-hypervisor limit (the scheduler holds it); a pasted list
// resolves to containers and names the lines that do not; the plan shows
// the totals and each container's next window; a dry run of preflight
// records findings and moves no status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planStarts } from '@vzferry/core';
import {
  beginDryRun,
  createBatch,
  finishDryRun,
  getBatchPlan,
  loadSchedulerState,
  recordDryRunResult,
  requestDryRunPreflight,
  resolveContainerRefs,
  startBatch,
  startDueBatches,
} from '../src';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let tdb: TestDatabase;
const actor = { name: 'eng@example.com' };
const GiB = 1024n ** 3n;
const ids = new Map<string, string>();

beforeAll(async () => {
  tdb = await createTestDatabase('planner');
  const customer = await tdb.prisma.customer.create({
    data: { name: 'Acme Hosting', email: 'ops@acme.test', timezone: 'Europe/Berlin' },
  });
  for (const name of ['hv1', 'hv2']) {
    const host = await tdb.prisma.sourceHost.create({
      data: { name, address: '127.0.0.1', privateKeyEnc: 'v1:x', maxConcurrentMigrations: 10 },
    });
    // CTID 101 is on both hosts; the others on one
    for (const ctid of name === 'hv1' ? [101, 102, 103, 104] : [101, 201]) {
      const c = await tdb.prisma.container.create({
        data: {
          sourceHostId: host.id,
          sourceCtid: ctid,
          hostname: `ct${ctid}.${name}.example.net`,
          diskQuotaKb: 10n * 1024n * 1024n,
          diskUsedKb: 2n * 1024n * 1024n,
          inodesUsed: 50_000n,
          ostemplate: ctid === 103 ? 'centos-5-x86_64' : 'debian-12.0-x86_64',
          customerId: customer.id,
          downtimeWindow: ctid === 102 ? 'Sat 02:00-05:00' : null,
        },
      });
      ids.set(`${name}:${ctid}`, c.id);
    }
  }
  await tdb.prisma.container.update({ where: { id: ids.get('hv1:104')! }, data: { vanishedAt: new Date() } });
});
afterAll(async () => {
  await tdb?.drop();
});

describe('a planned batch', () => {
  it('keeps its start time and starts then, and its per-hypervisor limit holds in the scheduler', async () => {
    const startAt = new Date(Date.now() + 3_600_000);
    const batch = await createBatch(
      tdb.db,
      {
        name: 'wave 1',
        containerIds: [ids.get('hv1:101')!, ids.get('hv1:102')!, ids.get('hv2:201')!],
        concurrency: 10,
        perHostConcurrency: 1,
        startAt,
      },
      actor,
    );
    expect(batch).toMatchObject({ startAt, concurrency: 10, perHostConcurrency: 1, status: 'draft' });
    const now = new Date();
    expect(await startBatch(tdb.db, batch.id, { now })).toMatchObject({ status: 'scheduled', startAt });
    expect(await startDueBatches(tdb.db, now)).toBe(0);
    expect(await startDueBatches(tdb.db, new Date(startAt.getTime() + 1))).toBe(1);

    await tdb.prisma.converterBox.create({
      data: {
        name: 'conv-1',
        workDir: '/w',
        freeDiskBytes: 1000n * GiB,
        totalDiskBytes: 1000n * GiB,
        cores: 2,
        maxConcurrentRuns: 10,
      },
    });
    const state = await loadSchedulerState(tdb.db, new Date());
    expect(state.limits.batchHostConcurrency?.get(batch.id)).toBe(1);
    const plan = planStarts(state.candidates, state.active, state.boxes, state.limits);
    // one run per source host: hv1 has two of them
    expect(plan.starts).toHaveLength(2);
    expect(plan.waiting).toEqual([
      { runId: expect.any(String), reason: 'batch wave 1 is at its limit of 1 concurrent runs on source host hv1' },
    ]);
  });
});

describe('a pasted list of containers', () => {
  it('resolves CTIDs, host:CTID and hostnames, and lists every line that names no single container', async () => {
    const text = [
      '102',
      'hv2:101',
      'CT201.hv2.example.net',
      '101',
      '999',
      'hv3:102',
      'nobody.example.net',
      '104',
      'not a name',
    ].join('\n');
    const { found, unknown } = await resolveContainerRefs(tdb.db, text);
    expect(found.map((f) => [f.line, f.container.id])).toEqual([
      [1, ids.get('hv1:102')],
      [2, ids.get('hv2:101')],
      [3, ids.get('hv2:201')],
    ]);
    expect(found[0]!.container).toMatchObject({ sourceCtid: 102, sourceHost: { name: 'hv1' } });
    expect(unknown).toEqual([
      {
        line: 4,
        text: '101',
        problem: 'CTID 101 is on several hosts (hv1:101, hv2:101); write one of them as host:CTID',
      },
      { line: 5, text: '999', problem: 'no container has CTID 999' },
      { line: 6, text: 'hv3:102', problem: 'source host hv3 has no container 102' },
      { line: 7, text: 'nobody.example.net', problem: 'no container has the hostname nobody.example.net' },
      // vanished from its host at the last import
      { line: 8, text: '104', problem: 'no container has CTID 104' },
      { line: 9, text: 'not a name', problem: '"not a name" is not a CTID, host:CTID or hostname' },
    ]);
  });
});

describe('the plan of a batch', () => {
  it("shows the totals, the hosts, and each container's next window after the start time", async () => {
    const startAt = new Date('2030-01-01T00:00:00Z'); // a Tuesday
    const batch = await createBatch(
      tdb.db,
      { name: 'wave 2', containerIds: [ids.get('hv1:103')!, ids.get('hv2:101')!], startAt },
      actor,
    );
    await tdb.prisma.container.update({
      where: { id: ids.get('hv2:101')! },
      data: { downtimeWindow: 'Sat 02:00-05:00' },
    });
    const plan = await getBatchPlan(tdb.db, batch.id);
    expect(plan.totals).toEqual({
      containers: 2,
      diskQuotaBytes: 20n * GiB,
      diskUsedBytes: 4n * GiB,
      // per container: quota + used + 5 % of the quota + 1 GiB
      boxDiskBytes: 2n * (10n * GiB + 2n * GiB + GiB / 2n + GiB),
    });
    expect(plan.hosts).toEqual([
      { name: 'hv1', containers: 1, hostLimit: 10 },
      { name: 'hv2', containers: 1, hostLimit: 10 },
    ]);
    const [legacy, windowed] = plan.runs;
    expect(legacy!.window).toBeNull();
    expect(windowed!.window).toEqual({
      text: 'Sat 02:00-05:00',
      timeZone: 'Europe/Berlin',
      // the first Saturday after the start, 02:00 in Berlin (UTC+1 in winter)
      nextStart: new Date('2030-01-05T01:00:00Z'),
      nextEnd: new Date('2030-01-05T04:00:00Z'),
      problem: null,
    });
    expect(plan.dryRun).toBeNull();
  });
});

describe('a dry run of preflight', () => {
  it('needs an online converter box', async () => {
    const batch = await tdb.prisma.batch.findUniqueOrThrow({ where: { name: 'wave 2' } });
    await tdb.prisma.converterBox.updateMany({ data: { status: 'offline' } });
    await expect(requestDryRunPreflight(tdb.db, batch.id, actor)).rejects.toMatchObject({ code: 'no_box_online' });
    await tdb.prisma.converterBox.updateMany({ data: { status: 'online', lastHeartbeatAt: new Date() } });
  });

  it('is queued on a box, checks the runs that have not started, records their findings and moves nothing', async () => {
    const batch = await tdb.prisma.batch.findUniqueOrThrow({ where: { name: 'wave 2' } });
    const before = await tdb.prisma.migrationRun.findMany({ where: { batchId: batch.id }, orderBy: { id: 'asc' } });
    const { dryRunId, box, job } = await requestDryRunPreflight(tdb.db, batch.id, actor);
    const boxRow = await tdb.prisma.converterBox.findUniqueOrThrow({ where: { name: box } });
    expect(job).toEqual({
      name: 'dry_run_preflight',
      payload: { dryRunId },
      boxId: boxRow.id,
      jobId: `dry-run-${dryRunId}`,
      notBefore: null,
    });
    expect(await beginDryRun(tdb.db, dryRunId, '00000000-0000-4000-8000-000000000000')).toBeNull();

    const runs = await beginDryRun(tdb.db, dryRunId, boxRow.id);
    // the runs as the stage sees them, on the box that checks
    expect(runs!.map((r) => [r.runId, r.box.name]).sort()).toEqual(before.map((r) => [r.id, 'conv-1']).sort());
    const [first, second] = runs!;
    await recordDryRunResult(tdb.db, dryRunId, first!.runId, [{ ok: true, code: 'os_supported', message: 'fine' }]);
    await recordDryRunResult(tdb.db, dryRunId, second!.runId, [
      { ok: true, code: 'os_supported', message: 'fine' },
      { ok: false, code: 'boot_iso', message: 'no boot ISO' },
    ]);
    await finishDryRun(tdb.db, dryRunId, null);

    const plan = await getBatchPlan(tdb.db, batch.id);
    expect(plan.dryRun).toMatchObject({
      id: dryRunId,
      requestedBy: actor.name,
      finishedAt: expect.any(Date),
      error: null,
      checked: 2,
      box: { name: 'conv-1', online: true },
    });
    const byRun = new Map(plan.runs.map((r) => [r.runId, r.dryRun]));
    expect(byRun.get(first!.runId)).toMatchObject({ ok: true });
    expect(byRun.get(second!.runId)).toMatchObject({
      ok: false,
      findings: [expect.objectContaining({ ok: true }), { ok: false, code: 'boot_iso', message: 'no boot ISO' }],
    });
    // a finished dry run is not begun again
    expect(await beginDryRun(tdb.db, dryRunId, boxRow.id)).toBeNull();
    const after = await tdb.prisma.migrationRun.findMany({ where: { batchId: batch.id }, orderBy: { id: 'asc' } });
    expect(after).toEqual(before);
    expect(await tdb.prisma.batch.findUniqueOrThrow({ where: { id: batch.id } })).toMatchObject({ status: 'draft' });
  });
});
