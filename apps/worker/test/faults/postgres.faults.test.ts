// PostgreSQL restarted mid-batch, and PostgreSQL unreachable from the worker
// for 90 s mid-batch with one run inside its downtime and another in an
// earlier stage. The database is a private cluster of this test (the
// machine's is everyone's); the worker reaches it through a TCP relay the
// test cuts, while the test itself reads the database directly. After each
// fault the batch finishes: every container migrated with its last writes,
// none stopped without its run, no run or stage left hanging.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savePipelineSettings } from '@vzferry/db';
import { startLabStack, waitForBatch, type LabStack } from '../support/lab-stack';
import { ended, migratableContainers, privateDir, sourceRunning, startBatchOf, type LabCt } from '../support/lab-runs';
import { expectBatchSettled, runningContainers, stageLog } from './support/fault-checks';
import { startPrivatePostgres, startTcpRelay, type PrivatePostgres, type TcpRelay } from './support/services';

let pg: PrivatePostgres;
let relay: TcpRelay;
let stack: LabStack;
let spare: LabCt[] = [];

beforeAll(async () => {
  pg = await startPrivatePostgres();
  relay = await startTcpRelay(pg.port);
  // the worker's database URL is the test database's, through the relay
  const worker = (url: string) => {
    const u = new URL(url);
    u.port = String(relay.port);
    return u.toString();
  };
  stack = await startLabStack(
    'pgfault',
    { hosts: 1, containers: 20, debian12: false },
    {},
    { databaseServerUrl: pg.serverUrl, workerDatabaseUrl: worker },
  );
  spare = await migratableContainers(stack);
}, 600_000);

afterAll(async () => {
  if (stack)
    console.log(
      stack.workerLog
        .filter((l) => l.startsWith('[test]') || /error|fail|database|postgres|heartbeat/i.test(l))
        .slice(-60)
        .join('\n'),
    );
  await stack?.stop().catch((e: unknown) => console.log(`stop: ${String(e)}`));
  await relay?.close();
  pg?.destroy();
}, 120_000);

/**
 * Polls the stage's state (the test reads PostgreSQL directly, so this works while the worker's link is cut);
 * unlike lab-runs' whenStage, a query that fails while the server restarts counts as "not yet".
 */
async function whenStage(runId: string, stage: string, status: string, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await stack.t.prisma.stageRun
      .findFirst({ where: { runId, stage: stage as never, status: status as never } })
      .catch(() => null);
    if (s) return s;
    if (Date.now() > deadline) throw new Error(`${stage} was not ${status} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The test's own pool after a restart: its idle connections died with the server and are replaced on use. */
async function databaseAnswers() {
  for (let ok = 0, tries = 0; ok < 5 && tries < 100; tries++) {
    ok = (await stack.t.prisma.$queryRaw`SELECT 1`.then(() => true).catch(() => false)) ? ok + 1 : 0;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function currentStage(runId: string): Promise<string> {
  const s = await stack.t.prisma.stageRun.findFirst({ where: { runId }, orderBy: { queuedAt: 'desc' } });
  return `${s?.stage ?? '-'}/${s?.status ?? '-'}`;
}

describe('PostgreSQL restarted or unreachable mid-batch', () => {
  it('finishes a batch whose PostgreSQL restarted during initial_sync', { timeout: 600_000 }, async () => {
    await savePipelineSettings(stack.t.db, { rsyncBandwidthLimitKbps: 8192 });
    const before = await runningContainers(stack);
    const { batchId, runs } = await startBatchOf(stack, 'postgres restarted', spare.splice(0, 1));
    await whenStage(runs[0]!.runId, 'initial_sync', 'running');
    await pg.restart();
    await databaseAnswers();
    stack.workerLog.push(`[test] ${new Date().toISOString()} PostgreSQL restarted`);
    const done = await waitForBatch(stack, batchId, 480_000, ended);
    for (const r of done) expect(r.status, await stageLog(stack, (r as { id: string }).id)).toBe('succeeded');
    await expectBatchSettled(stack, batchId, before);
    expect(stack.worker()?.exitCode ?? null).toBeNull();
  });

  it(
    'finishes a batch whose worker could not reach PostgreSQL for 90 s, one run inside its downtime',
    { timeout: 900_000 },
    async () => {
      await savePipelineSettings(stack.t.db, { rsyncBandwidthLimitKbps: 4096 });
      const before = await runningContainers(stack);
      const [first, second] = spare.splice(0, 2);
      const a = await startBatchOf(stack, 'postgres away', [first!]);
      const runA = a.runs[0]!.runId;
      await whenStage(runA, 'initial_sync', 'succeeded');
      // the second run starts while the first goes into its downtime
      const b = await startBatchOf(stack, 'postgres away, later', [second!]);
      const runB = b.runs[0]!.runId;
      // the customer wrote 40 MiB since the first copy: the final sync has 10 s of work
      writeFileSync(path.join(privateDir(stack, first!), 'var/lib/lab/new-data.bin'), randomBytes(40 * 1024 * 1024));
      await whenStage(runA, 'final_sync', 'running');
      await new Promise((r) => setTimeout(r, 1_000));
      await relay.cut({ refuse: true });
      const at = { a: await currentStage(runA), b: await currentStage(runB) };
      stack.workerLog.push(
        `[test] ${new Date().toISOString()} PostgreSQL cut off from the worker: ${JSON.stringify(at)}`,
      );
      expect(at.a).toBe('final_sync/running');
      expect(at.a).not.toBe(at.b);
      // the first container is in its downtime: stopped all along, never started twice
      await new Promise((r) => setTimeout(r, 90_000));
      expect(sourceRunning(stack, first!)).toBe(false);
      await relay.restore();
      stack.workerLog.push(`[test] ${new Date().toISOString()} PostgreSQL reachable again`);

      for (const batchId of [a.batchId, b.batchId]) {
        const done = await waitForBatch(stack, batchId, 600_000, ended);
        for (const r of done) expect(r.status, await stageLog(stack, (r as { id: string }).id)).toBe('succeeded');
        await expectBatchSettled(stack, batchId, before);
      }
      const runA1 = await stack.t.prisma.migrationRun.findUniqueOrThrow({ where: { id: runA } });
      expect(runA1.downtimeEndedAt).not.toBeNull();
      expect(stack.worker()?.exitCode ?? null).toBeNull();
    },
  );
});
