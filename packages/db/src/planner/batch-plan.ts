// What the batch planner shows before a batch starts: its containers with
// their size and their customer's downtime window (the next one after the
// start time), the totals, the source hosts it draws on, and the latest dry
// run of preflight with each container's findings.
import { diskNeedBytes, errorMessage, nextWindow, NotFoundError, parseDowntimeWindow } from '@vzferry/core';
import { z } from 'zod';
import { type Db, prismaOf } from '../client';
import { BOX_OFFLINE_AFTER_MS } from '../runs/scheduling';
import type { PreflightFinding } from './dry-runs';

const findingsSchema = z.array(
  z.object({ ok: z.boolean(), warning: z.boolean().optional(), code: z.string(), message: z.string() }),
);

export async function getBatchPlan(db: Db, batchId: string, now: Date = new Date()) {
  const client = prismaOf(db);
  const [batch, dryRun] = await Promise.all([
    client.batch.findUnique({
      where: { id: batchId },
      include: {
        runs: {
          orderBy: { createdAt: 'asc' },
          include: {
            container: {
              include: {
                sourceHost: { select: { name: true, maxConcurrentMigrations: true } },
                customer: { select: { name: true, timezone: true } },
              },
            },
          },
        },
      },
    }),
    client.preflightDryRun.findFirst({
      where: { batchId },
      orderBy: { requestedAt: 'desc' },
      include: { converterBox: { select: { name: true, status: true, lastHeartbeatAt: true } }, results: true },
    }),
  ]);
  if (!batch) throw new NotFoundError('batch', batchId);
  // the windows that matter are the ones after the batch starts
  const from = batch.startAt && batch.startAt > now ? batch.startAt : now;
  const results = new Map(dryRun?.results.map((r) => [r.runId, r]));
  const runs = batch.runs.map((r) => {
    const c = r.container;
    const result = results.get(r.id);
    return {
      runId: r.id,
      status: r.status,
      container: {
        id: c.id,
        sourceCtid: c.sourceCtid,
        hostname: c.hostname,
        ostemplate: c.ostemplate,
        status: c.status,
        diskQuotaKb: c.diskQuotaKb,
        diskUsedKb: c.diskUsedKb,
        inodesUsed: c.inodesUsed,
        sourceHost: { name: c.sourceHost.name },
      },
      customer: c.customer,
      window: windowOf(c.downtimeWindow, c.customer?.timezone ?? 'UTC', from),
      dryRun: result ? { ok: result.ok, findings: readFindings(result.findings), checkedAt: result.checkedAt } : null,
    };
  });
  return {
    id: batch.id,
    name: batch.name,
    status: batch.status,
    startAt: batch.startAt,
    concurrency: batch.concurrency,
    perHostConcurrency: batch.perHostConcurrency,
    totals: totalsOf(batch.runs.map((r) => r.container)),
    hosts: hostsOf(batch.runs.map((r) => r.container.sourceHost)),
    runs,
    dryRun: dryRun && {
      id: dryRun.id,
      requestedAt: dryRun.requestedAt,
      requestedBy: dryRun.requestedBy,
      startedAt: dryRun.startedAt,
      finishedAt: dryRun.finishedAt,
      error: dryRun.error,
      checked: dryRun.results.length,
      box: dryRun.converterBox && {
        name: dryRun.converterBox.name,
        online:
          dryRun.converterBox.status === 'online' &&
          now.getTime() - dryRun.converterBox.lastHeartbeatAt.getTime() < BOX_OFFLINE_AFTER_MS,
      },
    },
  };
}

type Window =
  | { text: string; timeZone: string; nextStart: Date; nextEnd: Date; problem: null }
  | { text: string; timeZone: string; nextStart: null; nextEnd: null; problem: string };

function windowOf(text: string | null, timeZone: string, after: Date): Window | null {
  if (!text) return null;
  try {
    const next = nextWindow(parseDowntimeWindow(text), timeZone, after);
    return { text, timeZone, nextStart: next.start, nextEnd: next.end, problem: null };
  } catch (err) {
    return { text, timeZone, nextStart: null, nextEnd: null, problem: errorMessage(err) };
  }
}

function readFindings(json: unknown): PreflightFinding[] {
  const parsed = findingsSchema.safeParse(json);
  return parsed.success ? parsed.data : [{ ok: false, code: 'unreadable', message: 'the findings are unreadable' }];
}

function totalsOf(containers: Array<{ diskQuotaKb: bigint | null; diskUsedKb: bigint | null }>) {
  let quota = 0n;
  let used = 0n;
  let boxDisk = 0n;
  for (const c of containers) {
    const q = (c.diskQuotaKb ?? 0n) * 1024n;
    const u = (c.diskUsedKb ?? 0n) * 1024n;
    quota += q;
    used += u;
    boxDisk += diskNeedBytes(q, u);
  }
  return { containers: containers.length, diskQuotaBytes: quota, diskUsedBytes: used, boxDiskBytes: boxDisk };
}

function hostsOf(hosts: Array<{ name: string; maxConcurrentMigrations: number }>) {
  const byName = new Map<string, { name: string; containers: number; hostLimit: number }>();
  for (const h of hosts) {
    const entry = byName.get(h.name) ?? { name: h.name, containers: 0, hostLimit: h.maxConcurrentMigrations };
    entry.containers++;
    byName.set(h.name, entry);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
