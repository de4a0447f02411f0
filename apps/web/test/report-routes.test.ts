// The manager's report against a real PostgreSQL, on a set of runs small
// enough to work out by hand (the figures below are that working out), and
// its CSV download. NOW is fixed for loadReport; the routes use the clock,
// so their test checks what does not depend on it.
import type { RunStatus, Stage } from '@vzferry/core';
import { applyInventory, createInventoryImport, loadReport } from '@vzferry/db';
import { sampleInventoryContainer, type TestDatabase } from '@vzferry/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as reportCsv from '@/app/api/report/csv/route';
import * as report from '@/app/api/report/route';
import { routeSpecOf, type RouteHandler } from '@/server/route';
import { startRouteHarness, type RouteHarness } from './support/route-harness';

const NOW = new Date('2026-12-10T12:00:00Z');
const at = (iso: string) => new Date(`2026-12-${iso}Z`);

let h: RouteHarness;
let t: TestDatabase;

/** As the manager, who reads the report. */
async function get(handler: RouteHandler, url: string): Promise<Response> {
  const req = new Request(`http://web.test${url}`, { headers: { cookie: h.users.manager.cookie } });
  return handler(req, { params: Promise.resolve({}) });
}

beforeAll(async () => {
  h = await startRouteHarness('report');
  t = h.t;
});
afterAll(async () => {
  await t?.drop();
});

describe('an install where nothing has started', () => {
  it('has no days, no downtime and nothing left', async () => {
    const r = await loadReport(t.db, { now: NOW });
    expect(r.totals).toEqual({ total: 0, done: 0, inProgress: 0, failed: 0, notStarted: 0, left: 0 });
    expect(r.daily).toEqual([]);
    expect(r.downtime).toMatchObject({ count: 0, p50Seconds: null, p95Seconds: null, maxSeconds: null, downNow: 0 });
    expect(r.estimate).toEqual({ kind: 'done', remaining: 0 });
  });
});

describe('a migration under way', () => {
  // hv1: 101 102 103 104 105 106; hv2: 201 202 206 (vanished, migrated) 207 (vanished, never run)
  // Alice: 101 102 201; Bob: 103 106; no customer: the rest
  beforeAll(async () => {
    const ids = new Map<number, string>();
    for (const [name, ctids] of [
      ['hv1', [101, 102, 103, 104, 105, 106]],
      ['hv2', [201, 202, 206, 207]],
    ] as const) {
      const host = await t.prisma.sourceHost.create({
        data: { name, address: '10.0.0.1', privateKeyEnc: 'v1:x:y:z' },
      });
      const imp = await createInventoryImport(t.db, host.id, 'test');
      await applyInventory(
        t.db,
        host.id,
        imp.id,
        ctids.map((c) => sampleInventoryContainer(c)),
      );
      for (const c of await t.prisma.container.findMany({ where: { sourceHostId: host.id } }))
        ids.set(c.sourceCtid, c.id);
    }
    const alice = await t.prisma.customer.create({ data: { name: 'Alice', email: 'alice@example.com' } });
    const bob = await t.prisma.customer.create({ data: { name: 'Bob', email: 'bob@example.com' } });
    const assign = (ctids: number[], customerId: string) =>
      t.prisma.container.updateMany({ where: { id: { in: ctids.map((c) => ids.get(c)!) } }, data: { customerId } });
    await assign([101, 102, 201], alice.id);
    await assign([103, 106], bob.id);
    await t.prisma.container.updateMany({
      where: { id: { in: [ids.get(206)!, ids.get(207)!] } },
      data: { vanishedAt: at('09T00:00:00') },
    });

    const batch = await t.prisma.batch.create({ data: { name: 'wave', status: 'running' } });
    const run = async (
      ctid: number,
      r: {
        status: RunStatus;
        createdAt?: string;
        started?: string;
        finished?: string;
        down?: [string, string | null];
        failed?: [Stage, string];
        stops?: number;
        projectedMs?: number;
      },
    ) => {
      const created = await t.prisma.migrationRun.create({
        data: {
          batchId: batch.id,
          containerId: ids.get(ctid)!,
          status: r.status,
          createdAt: at(r.createdAt ?? '01T00:00:00'),
          startedAt: r.started ? at(r.started) : null,
          finishedAt: r.finished ? at(r.finished) : null,
          downtimeStartedAt: r.down ? at(r.down[0]) : null,
          downtimeEndedAt: r.down?.[1] ? at(r.down[1]) : null,
          failedStage: r.failed?.[0],
          errorCode: r.failed?.[1],
          projectedDowntimeMs: r.projectedMs,
        },
      });
      for (let attempt = 1; attempt <= (r.stops ?? (r.down ? 1 : 0)); attempt++)
        await t.prisma.stageRun.create({
          data: { runId: created.id, stage: 'stop_source', attempt, status: 'succeeded', startedAt: at(r.down![0]) },
        });
    };
    await run(101, {
      status: 'succeeded',
      started: '08T01:00:00',
      finished: '08T03:00:00',
      down: ['08T02:00:00', '08T02:10:00'],
      projectedMs: 450_500,
    });
    await run(102, {
      status: 'succeeded',
      started: '09T01:00:00',
      finished: '09T02:00:00',
      down: ['09T01:30:00', '09T01:32:00'],
    });
    await run(103, {
      status: 'failed',
      started: '09T05:00:00',
      finished: '09T06:00:00',
      failed: ['initial_sync', 'rsync_failed'],
    });
    await run(106, {
      status: 'failed',
      started: '09T07:00:00',
      finished: '09T08:00:00',
      failed: ['initial_sync', 'rsync_failed'],
    });
    // rolled back: the customer was down 20 minutes, then the run failed
    await run(104, {
      status: 'failed',
      started: '10T01:00:00',
      finished: '10T02:00:00',
      down: ['10T01:30:00', '10T01:50:00'],
      failed: ['verify', 'verify_timeout'],
    });
    // down right now
    await run(201, { status: 'running', started: '10T08:00:00', down: ['10T09:00:00', null] });
    // a cancelled run, then a new one that has not started: only the latest counts
    await run(202, { status: 'cancelled', createdAt: '01T00:00:00', started: '07T01:00:00', finished: '07T02:00:00' });
    await run(202, { status: 'pending', createdAt: '09T00:00:00' });
    // migrated, then the source container was deleted: still done; its source was stopped twice
    await run(206, {
      status: 'succeeded',
      started: '03T10:00:00',
      finished: '03T11:00:00',
      down: ['03T10:20:00', '03T10:25:00'],
      stops: 2,
    });
  });

  it('counts every container by its latest run, and 207 (vanished, never run) not at all', async () => {
    const r = await loadReport(t.db, { now: NOW });
    expect(r.totals).toEqual({ total: 9, done: 3, inProgress: 1, failed: 3, notStarted: 2, left: 6 });
    expect(r.hosts.map(({ hostId: _, ...h }) => h)).toEqual([
      { host: 'hv1', total: 6, done: 2, inProgress: 0, failed: 3, notStarted: 1, left: 4 },
      { host: 'hv2', total: 3, done: 1, inProgress: 1, failed: 0, notStarted: 1, left: 2 },
    ]);
    // most left first
    expect(r.customers.map(({ customerId: _, ...c }) => c)).toEqual([
      { customer: 'no customer', email: null, total: 4, done: 1, inProgress: 0, failed: 1, notStarted: 2, left: 3 },
      {
        customer: 'Bob',
        email: 'bob@example.com',
        total: 2,
        done: 0,
        inProgress: 0,
        failed: 2,
        notStarted: 0,
        left: 2,
      },
      {
        customer: 'Alice',
        email: 'alice@example.com',
        total: 3,
        done: 2,
        inProgress: 1,
        failed: 0,
        notStarted: 0,
        left: 1,
      },
    ]);
  });

  it('tells where they stood at the end of each day from the first start to today', async () => {
    const r = await loadReport(t.db, { now: NOW });
    const quiet = { done: 1, inProgress: 0, failed: 0, notStarted: 8, migrated: 0, failedThatDay: 0 };
    expect(r.daily).toEqual([
      { day: '2026-12-03', done: 1, inProgress: 0, failed: 0, notStarted: 8, migrated: 1, failedThatDay: 0 },
      { day: '2026-12-04', ...quiet },
      { day: '2026-12-05', ...quiet },
      { day: '2026-12-06', ...quiet },
      // 202's cancelled run is not its latest: it does not count
      { day: '2026-12-07', ...quiet },
      { day: '2026-12-08', done: 2, inProgress: 0, failed: 0, notStarted: 7, migrated: 1, failedThatDay: 0 },
      { day: '2026-12-09', done: 3, inProgress: 0, failed: 2, notStarted: 4, migrated: 1, failedThatDay: 2 },
      { day: '2026-12-10', done: 3, inProgress: 1, failed: 3, notStarted: 2, migrated: 0, failedThatDay: 1 },
    ]);
  });

  it('estimates completion at the rate of the last 7 days', async () => {
    // since Dec 3, 12:00: 101 and 102 (206 finished at 11:00, before the window); 6 left at 2/7 a day = 21 days
    const r = await loadReport(t.db, { now: NOW });
    expect(r.estimate).toEqual({
      kind: 'estimated',
      remaining: 6,
      ratePerDay: 2 / 7,
      windowDays: 7,
      migratedInWindow: 2,
      estimatedAt: new Date('2026-12-31T12:00:00Z'),
    });
  });

  it('has the downtime percentiles of every ended downtime, the one going on, and the longest first', async () => {
    const r = await loadReport(t.db, { now: NOW });
    // 120 s (102), 300 s (206), 600 s (101), 1200 s (104)
    expect(r.downtime).toMatchObject({
      count: 4,
      p50Seconds: 300,
      p95Seconds: 1200,
      maxSeconds: 1200,
      downNow: 1,
      stoppedMoreThanOnce: 1,
    });
    expect(r.downtime.longest.map((d) => [d.ctid, d.seconds, d.stops, d.customer, d.projectedSeconds])).toEqual([
      [104, 1200, 1, null, null],
      [101, 600, 1, 'Alice', 450.5],
      [206, 300, 2, null, null],
      [102, 120, 1, 'Alice', null],
    ]);
  });

  it('ranks the failures by code and stage with the catalogue sentence', async () => {
    const r = await loadReport(t.db, { now: NOW });
    expect(r.failures).toEqual([
      { errorCode: 'rsync_failed', message: 'rsync failed', stage: 'initial_sync', runs: 2 },
      { errorCode: 'verify_timeout', message: "The VM's IPs did not answer in time", stage: 'verify', runs: 1 },
    ]);
  });

  it('answers the report route with the same figures, dates as ISO text', async () => {
    const res = await get(report.GET, '/api/report');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown> & {
      totals: unknown;
      daily: { day: string }[];
      downtime: { longest: { startedAt: string }[] };
      generatedAt: string;
    };
    expect(body.totals).toEqual({ total: 9, done: 3, inProgress: 1, failed: 3, notStarted: 2, left: 6 });
    expect(body.daily[0]).toEqual({
      day: '2026-12-03',
      done: 1,
      inProgress: 0,
      failed: 0,
      notStarted: 8,
      migrated: 1,
      failedThatDay: 0,
    });
    expect(body.downtime.longest[0]!.startedAt).toBe('2026-12-10T01:30:00.000Z');
    expect(body.generatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('downloads a table as a CSV file with a dated name', async () => {
    const res = await get(reportCsv.GET, '/api/report/csv?table=hosts');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="vzferry-report-hosts-\d{4}-\d\d-\d\d\.csv"$/,
    );
    expect(await res.text()).toBe(
      'source host,containers,done,in progress,failed,not started,left\r\n' +
        'hv1,6,2,0,3,1,4\r\n' +
        'hv2,3,1,1,0,1,2\r\n',
    );
  });

  it('downloads every downtime, not only the longest', async () => {
    const res = await get(reportCsv.GET, '/api/report/csv?table=downtime');
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^ctid,hostname,source host,customer,/);
    // by their start: 206, 101, 102, 104; the projection last, where one was made
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['206', '101', '102', '104']);
    expect(lines[0]).toMatch(/,projected seconds$/);
    expect(lines.slice(1).map((l) => l.split(',').at(-1))).toEqual(['', '450.5', '', '']);
  });

  it('answers an unknown table with a JSON 400 naming the tables', async () => {
    const res = await get(reportCsv.GET, '/api/report/csv?table=users');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/json/);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'table: table is one of daily, downtime, failures, hosts, customers',
    );
  });

  it('declares report access on both routes', () => {
    expect(routeSpecOf(report.GET)?.access).toBe('report');
    expect(routeSpecOf(reportCsv.GET)?.access).toBe('report');
  });
});
