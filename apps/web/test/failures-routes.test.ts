// The failures view's routes against a real PostgreSQL: the groups (template
// downloads first) with what their Retry does; Retry all retries exactly the
// group's runs that are still failed and enqueues their jobs, one per run, on
// their box's queue; the run page says what its Retry does.
import { createBatch, startBatch } from '@vzferry/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as failures from '@/app/api/failures/route';
import * as retryGroup from '@/app/api/failures/retry/route';
import * as run from '@/app/api/runs/[id]/route';
import { startRouteHarness, type RouteHarness } from './support/route-harness';

let h: RouteHarness;
let boxId: string;
const actor = { name: 'eng' };
const failed: Record<string, string[]> = {};

/** A started run of a batch of its own, then failed at `stage` with `code` on the box. */
async function failedRun(ctid: number, stage: 'register_template' | 'preflight', code: string) {
  const p = h.t.prisma;
  const host = await p.sourceHost.findFirstOrThrow();
  const c = await p.container.create({
    data: { sourceHostId: host.id, sourceCtid: ctid, hostname: `ct${ctid}.example.net` },
  });
  const batch = await createBatch(h.t.db, { name: `b${ctid}`, containerIds: [c.id] }, actor);
  await startBatch(h.t.db, batch.id, {});
  const r = await p.migrationRun.findFirstOrThrow({ where: { batchId: batch.id } });
  // the failure itself, as finishStageRun and the rollback leave it (packages/db tests drive those)
  await p.migrationRun.update({
    where: { id: r.id },
    data: {
      status: 'failed',
      converterBoxId: boxId,
      failedStage: stage,
      errorCode: code,
      error: `${code} at ${stage}`,
      // the higher the CTID, the later it failed
      finishedAt: new Date(Date.UTC(2026, 11, 1) + ctid * 60_000),
    },
  });
  (failed[`${stage}:${code}`] ??= []).push(r.id);
  return r.id;
}

beforeAll(async () => {
  h = await startRouteHarness('webfail');
  await h.t.prisma.sourceHost.create({ data: { name: 'hv1', address: '10.0.0.1', privateKeyEnc: 'v1:x' } });
  const box = await h.t.prisma.converterBox.create({
    data: {
      name: 'conv-1',
      workDir: '/w',
      freeDiskBytes: 1n << 40n,
      totalDiskBytes: 1n << 40n,
      cores: 2,
      maxConcurrentRuns: 4,
    },
  });
  boxId = box.id;
  await failedRun(101, 'preflight', 'preflight_failed');
  await failedRun(102, 'preflight', 'preflight_failed');
  await failedRun(103, 'register_template', 'template_download_failed');
  await failedRun(104, 'register_template', 'template_download_failed');
});
afterAll(async () => {
  await h?.t.drop();
});

describe('the failures routes', () => {
  it('list the groups, template downloads first, each with its runs and what its Retry does', async () => {
    const res = await h.call(failures.GET, '/api/failures');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 4, shown: 4 });
    const groups = res.body.groups as Array<Record<string, unknown> & { runs: Array<Record<string, unknown>> }>;
    expect(groups.map((g) => [g.key, g.count])).toEqual([
      ['register_template:template_download_failed', 2],
      ['preflight:preflight_failed', 2],
    ]);
    expect(groups[0]).toMatchObject({
      title: 'CloudStack could not download the template',
      retry: { from: 'stop_source', newDowntime: true, label: 'Retry from stop_source (a new downtime)' },
    });
    expect(groups[1]!.retry).toEqual({ from: 'preflight', newDowntime: false, label: 'Retry from preflight' });
    expect(groups[0]!.runs[0]).toMatchObject({
      // the latest failure first
      container: { sourceCtid: 104, hostname: 'ct104.example.net', sourceHost: { name: 'hv1' } },
      batch: { name: 'b104', status: 'running' },
      customer: null,
      error: 'template_download_failed at register_template',
      failedAt: expect.stringMatching(/Z$/),
    });
    expect(res.text).not.toMatch(/leaseOwner|conversionPlan|privateKeyEnc/);
  });

  it('show on the run page what its Retry does', async () => {
    const res = await h.call(run.GET, '/x', {
      params: { id: failed['register_template:template_download_failed']![0]! },
    });
    expect(res.body.retry).toEqual({
      from: 'stop_source',
      newDowntime: true,
      label: 'Retry from stop_source (a new downtime)',
    });
  });

  it('refuse a Retry all that names no stage of the pipeline, or no run', async () => {
    const res = await h.call(retryGroup.POST, '/api/failures/retry', {
      json: { stage: 'sync', errorCode: 'x', runIds: [] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/^stage: Invalid option.*; runIds: name at least one run$/);
  });

  it('retry every run of the group still failed for its cause, enqueue their jobs, and report the others', async () => {
    const downloads = failed['register_template:template_download_failed']!;
    const preflight = failed['preflight:preflight_failed']!;
    h.enqueued.length = 0;
    const res = await h.call(retryGroup.POST, '/api/failures/retry', {
      json: { stage: 'register_template', errorCode: 'template_download_failed', runIds: [...downloads, preflight[0]] },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      retried: downloads.map((runId) => ({ runId, from: 'stop_source' })),
      notRetried: [
        { runId: preflight[0], reason: 'it failed for another cause meanwhile (preflight, preflight_failed)' },
      ],
    });
    // one job per retried run: its stop_source attempt, on its box's queue
    const attempts = await h.t.prisma.stageRun.findMany({ where: { runId: { in: downloads } } });
    expect(attempts.map((a) => a.stage)).toEqual(['stop_source', 'stop_source']);
    expect(h.enqueued).toEqual(
      expect.arrayContaining(
        attempts.map((a) => expect.objectContaining({ name: 'run_stage', payload: { stageRunId: a.id }, boxId })),
      ),
    );
    expect(h.enqueued).toHaveLength(2);
    const statuses = await h.t.prisma.migrationRun.findMany({ where: { id: { in: [...downloads, ...preflight] } } });
    expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({
      [downloads[0]!]: 'running',
      [downloads[1]!]: 'running',
      [preflight[0]!]: 'failed',
      [preflight[1]!]: 'failed',
    });

    // asked again (a double click): nothing is retried twice
    h.enqueued.length = 0;
    const again = await h.call(retryGroup.POST, '/api/failures/retry', {
      json: { stage: 'register_template', errorCode: 'template_download_failed', runIds: downloads },
    });
    expect(again.body).toMatchObject({ retried: [], notRetried: [{ runId: downloads[0] }, { runId: downloads[1] }] });
    expect(h.enqueued).toEqual([]);
  });
});
