// The batch planner's routes against a real PostgreSQL: a pasted list of
// containers resolves (unknown lines reported); "select all matching" gives
// the filter's ids; a batch keeps its start time and per-hypervisor limit;
// its plan shows totals, windows and projected downtimes; a dry run of
// preflight is queued on an online box (and refused without one).
import { applyInventory, createInventoryImport } from '@vzferry/db';
import { sampleInventoryContainer } from '@vzferry/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as dryRun from '@/app/api/batches/[id]/dry-run/route';
import * as plan from '@/app/api/batches/[id]/plan/route';
import * as batchStart from '@/app/api/batches/[id]/start/route';
import * as batches from '@/app/api/batches/route';
import * as ids from '@/app/api/containers/ids/route';
import * as resolve from '@/app/api/containers/resolve/route';
import { startRouteHarness, type RouteHarness } from './support/route-harness';

let h: RouteHarness;
let hostId: string;
const idOf = new Map<number, string>();
const GiB = 1024 ** 3;

beforeAll(async () => {
  h = await startRouteHarness('webplan');
  const host = await h.t.prisma.sourceHost.create({
    data: { name: 'hv1', address: '10.0.0.1', privateKeyEnc: 'v1:x' },
  });
  hostId = host.id;
  const imp = await createInventoryImport(h.t.db, host.id, 'test');
  await applyInventory(h.t.db, host.id, imp.id, [
    sampleInventoryContainer(301, { diskUsedKb: 4n * 1024n * 1024n, inodesUsed: 100_000n }),
    sampleInventoryContainer(302, {
      ostemplate: 'centos-5-x86_64',
      diskUsedKb: 4n * 1024n * 1024n,
      inodesUsed: 100_000n,
    }),
    sampleInventoryContainer(303, { status: 'stopped' }),
  ]);
  for (const c of await h.t.prisma.container.findMany()) idOf.set(c.sourceCtid, c.id);
  const customer = await h.t.prisma.customer.create({
    data: { name: 'Acme', email: 'ops@acme.test', timezone: 'Asia/Tokyo' },
  });
  await h.t.prisma.container.update({
    where: { id: idOf.get(302)! },
    data: { customerId: customer.id, downtimeWindow: '03:00-05:00' },
  });
});
afterAll(async () => {
  await h?.t.drop();
});

describe('picking containers', () => {
  it('resolves a pasted list and lists the lines that name no container', async () => {
    const res = await h.call(resolve.POST, '/api/containers/resolve', {
      json: { text: '301\nct302.example.net\nhv1:303\n999\nhv9:301\n' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      found: [
        { line: 1, text: '301', container: expect.objectContaining({ id: idOf.get(301), sourceCtid: 301 }) },
        { line: 2, text: 'ct302.example.net', container: expect.objectContaining({ id: idOf.get(302) }) },
        { line: 3, text: 'hv1:303', container: expect.objectContaining({ id: idOf.get(303) }) },
      ],
      unknown: [
        { line: 4, text: '999', problem: 'no container has CTID 999' },
        { line: 5, text: 'hv9:301', problem: 'source host hv9 has no container 301' },
      ],
    });
  });

  it('gives the ids of every container a filter matches', async () => {
    const res = await h.call(ids.GET, `/api/containers/ids?hostId=${hostId}&status=running&page=3`);
    expect(res.body).toEqual({ ids: [idOf.get(301), idOf.get(302)], overLimit: false });
    expect((await h.call(ids.GET, '/api/containers/ids?status=sleeping')).status).toBe(400);
  });
});

describe('a planned batch', () => {
  let batchId: string;
  const startAt = '2030-01-01T10:00:00.000Z';

  it('keeps its start time, concurrency and per-hypervisor limit', async () => {
    const res = await h.call(batches.POST, '/api/batches', {
      json: {
        name: 'wave 1',
        containerIds: [idOf.get(301), idOf.get(302)],
        concurrency: 5,
        perHostConcurrency: 2,
        startAt: '2030-01-01T11:00:00+01:00',
      },
    });
    expect(res.status).toBe(201);
    batchId = String(res.body.id);
    expect(await h.t.prisma.batch.findUniqueOrThrow({ where: { id: batchId } })).toMatchObject({
      startAt: new Date(startAt),
      concurrency: 5,
      perHostConcurrency: 2,
    });
    const bad = await h.call(batches.POST, '/api/batches', {
      json: { name: 'x', containerIds: [idOf.get(303)], startAt: 'tomorrow', perHostConcurrency: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/^perHostConcurrency: .*; startAt: /);
  });

  it('shows its plan: totals, windows after its start and projected downtimes', async () => {
    const res = await h.call(plan.GET, '/x', { params: { id: batchId } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'wave 1',
      status: 'draft',
      startAt,
      concurrency: 5,
      perHostConcurrency: 2,
      totals: {
        containers: 2,
        diskQuotaBytes: String(20 * GiB),
        diskUsedBytes: String(8 * GiB),
        boxDiskBytes: String(2 * (10 * GiB + 4 * GiB + GiB / 2 + GiB)),
      },
      hosts: [{ name: 'hv1', containers: 2, hostLimit: 4 }],
      dryRun: null,
    });
    const [debian, centos] = res.body.runs as Array<{
      window: unknown;
      projectedDowntimeMs: number;
      customer: unknown;
      dryRun: unknown;
    }>;
    expect(debian!.window).toBeNull();
    expect(centos).toMatchObject({
      customer: { name: 'Acme', timezone: 'Asia/Tokyo' },
      // 03:00 in Tokyo (UTC+9) after 10:00 UTC on 1 January is the next day at 18:00 UTC
      window: {
        text: '03:00-05:00',
        timeZone: 'Asia/Tokyo',
        nextStart: '2030-01-01T18:00:00.000Z',
        nextEnd: '2030-01-01T20:00:00.000Z',
        problem: null,
      },
      dryRun: null,
    });
    // the same data, but a grub-legacy guest takes the boot ISO's detour (10 minutes more)
    expect(debian!.projectedDowntimeMs).toBeGreaterThan(7 * 60_000);
    expect(centos!.projectedDowntimeMs - debian!.projectedDowntimeMs).toBe(600_000);
  });

  it('queues a dry run of preflight on an online box, and says when there is none', async () => {
    const none = await h.call(dryRun.POST, '/x', { method: 'POST', params: { id: batchId }, as: 'engineer' });
    expect(none).toMatchObject({ status: 503, body: { error: { code: 'no_box_online' } } });

    const box = await h.t.prisma.converterBox.create({
      data: {
        name: 'conv-1',
        workDir: '/w',
        freeDiskBytes: 1n << 40n,
        totalDiskBytes: 1n << 40n,
        cores: 2,
        maxConcurrentRuns: 2,
      },
    });
    h.enqueued.length = 0;
    const res = await h.call(dryRun.POST, '/x', { method: 'POST', params: { id: batchId }, as: 'engineer' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ dryRunId: expect.any(String), box: 'conv-1' });
    expect(h.enqueued).toEqual([
      {
        name: 'dry_run_preflight',
        payload: { dryRunId: res.body.dryRunId },
        boxId: box.id,
        jobId: `dry-run-${String(res.body.dryRunId)}`,
      },
    ]);
    const after = await h.call(plan.GET, '/x', { params: { id: batchId } });
    expect(after.body.dryRun).toMatchObject({
      id: res.body.dryRunId,
      requestedBy: 'The engineer',
      startedAt: null,
      finishedAt: null,
      checked: 0,
      box: { name: 'conv-1', online: true },
    });
    expect((await h.t.prisma.batch.findUniqueOrThrow({ where: { id: batchId } })).status).toBe('draft');
  });

  it('is scheduled for its start time when started', async () => {
    expect(await h.call(batchStart.POST, '/x', { method: 'POST', params: { id: batchId } })).toMatchObject({
      status: 200,
      body: { status: 'scheduled' },
    });
  });
});
