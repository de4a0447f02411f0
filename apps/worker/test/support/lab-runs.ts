// What the tests that migrate lab containers with the real worker share:
// which containers migrate quickly, a batch of some of them started, where
// a container's files and running state are on its lab hypervisor, the
// follow-up jobs of a command put on the queue, and polling for a stage or
// any condition with a deadline that says what did not happen.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createBatch, delayOf, startBatch, type FollowUpJob } from '@vzferry/db';
import { parseOsTemplate, usesLegacyGrub } from '@vzferry/guest';
import type { LabStack } from './lab-stack';

export interface LabCt {
  id: string;
  sourceCtid: number;
  hostName: string;
}

const actor = { name: 'test' };
export const TERMINAL = ['succeeded', 'failed', 'cancelled'];
export const ended = (runs: Array<{ status: string }>) => runs.every((r) => TERMINAL.includes(r.status));

/** A migratable container with what some tests pick or check it by. */
export interface SpareCt extends LabCt {
  ostemplate: string | null;
  diskQuotaKb: bigint | null;
  ips: string[];
}

/**
 * Small running Linux containers with IPv4 only, by CTID: each migrates in a
 * minute or two. Every container's downtime window is cleared: they cut over at once.
 */
export async function migratableContainers(stack: LabStack): Promise<SpareCt[]> {
  const all = await stack.t.prisma.container.findMany({
    include: { ips: true, sourceHost: true },
    orderBy: { sourceCtid: 'asc' },
  });
  await stack.t.prisma.container.updateMany({ data: { downtimeWindow: null } });
  return all
    .filter((c) => {
      const os = parseOsTemplate(c.ostemplate);
      return (
        c.status === 'running' &&
        os &&
        !usesLegacyGrub(os) &&
        (c.diskQuotaKb ?? 0n) <= 50n * 1024n * 1024n &&
        c.ips.length > 0 &&
        c.ips.every((ip) => ip.family === 4)
      );
    })
    .map((c) => ({
      id: c.id,
      sourceCtid: c.sourceCtid,
      hostName: c.sourceHost.name,
      ostemplate: c.ostemplate,
      diskQuotaKb: c.diskQuotaKb,
      ips: c.ips.map((ip) => ip.address),
    }));
}

/**
 * The smallest disks first (a stable sort: by CTID among equals): a box
 * reserves each run's quota, and this machine's disk is shared.
 */
export function smallestFirst<T extends { diskQuotaKb: bigint | null }>(cts: T[]): T[] {
  return [...cts].sort((a, b) => Number((a.diskQuotaKb ?? 0n) - (b.diskQuotaKb ?? 0n)));
}

/** One batch of these containers, started. */
export async function startBatchOf(stack: LabStack, name: string, cts: LabCt[]) {
  const batch = await createBatch(stack.t.db, { name, containerIds: cts.map((c) => c.id) }, actor);
  await startBatch(stack.t.db, batch.id, {});
  const runs = await stack.t.prisma.migrationRun.findMany({ where: { batchId: batch.id } });
  const runOf = new Map(runs.map((r) => [r.containerId, r.id]));
  return { batchId: batch.id, runs: cts.map((ct) => ({ ct, runId: runOf.get(ct.id)! })) };
}

/** The next container of `pool` in a batch of its own, started. */
export async function migrateOne(stack: LabStack, pool: LabCt[], name: string) {
  const ct = pool.shift();
  if (!ct) throw new Error('the lab has no container left for this test');
  const { batchId, runs } = await startBatchOf(stack, name, [ct]);
  return { batchId, runId: runs[0]!.runId, ct };
}

export function privateDir(stack: LabStack, ct: { sourceCtid: number; hostName: string }): string {
  return path.join(stack.dir, 'lab/hosts', ct.hostName, 'vz/private', String(ct.sourceCtid));
}

/** The lab's own record of a running container (what `vzctl status` reads). */
export function sourceRunning(stack: LabStack, ct: { sourceCtid: number; hostName: string }): boolean {
  return existsSync(path.join(stack.dir, 'lab/hosts', ct.hostName, 'vz/lab/running', String(ct.sourceCtid)));
}

/** A command's follow-up jobs (a cancel, a retry) on the queue, as the web app puts them. */
export async function enqueue(stack: LabStack, jobs: FollowUpJob[]): Promise<void> {
  for (const job of jobs)
    await stack.producer.ensure(job.name, job.payload as never, {
      boxId: job.boxId,
      jobId: job.jobId,
      delayMs: delayOf(job),
    });
}

/** Polls every 50 ms until an attempt of the run's stage has this status. */
export async function whenStage(stack: LabStack, runId: string, stage: string, status: string, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await stack.t.prisma.stageRun.findFirst({
      where: { runId, stage: stage as never, status: status as never },
    });
    if (s) return s;
    if (Date.now() > deadline) throw new Error(`${stage} was not ${status} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls every 200 ms until `fn` gives something; fails naming `what` after the deadline. */
export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A daily downtime window of an hour that opens 12 hours from now in `timeZone`
 * (the container's customer's; UTC by default): a run waits for it until a test opens it.
 */
export function windowIn12Hours(timeZone = 'UTC', now = new Date()): string {
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(now));
  const pad = (h: number) => String(h % 24).padStart(2, '0');
  return `${pad(hour + 12)}:00-${pad(hour + 13)}:00`;
}
