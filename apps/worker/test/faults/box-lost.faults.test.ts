// A converter box lost for good mid-batch: two worker processes (box-a and
// box-b, each its own WORKER_NAME, work directory and template server, the
// real apps/worker/src/main.ts through test/support/held-worker.ts); box-a
// takes the batch's three runs and dies with SIGKILL, never to come back,
// while it holds one before the downtime (initial_sync), one inside it
// (final_sync: its container is stopped) and one after it (cleanup: the VM
// runs, the container stays stopped for good). The runs are held at the start
// of those stages (held-worker.ts) until box-a is dead. Once box-a missed its
// heartbeats for the offline limit (BOX_OFFLINE_AFTER_MS), the reconciler on
// box-b hands its runs on, each from where it makes sense:
// - before the downtime nothing is lost but the work disk: the run goes back
//   to the queue and box-b migrates it from preflight;
// - inside the downtime the work disk is gone with box-a: box-b rolls the run
//   back at once (the container runs again) and the run fails with box_lost,
//   shown on the run;
// - after the downtime the VM is the container now: box-b runs the remaining
//   stage (cleanup), it does not migrate the container again.
// No container is left stopped while its run is not active, at any time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVE_RUN_STATUSES, type RunStatus, type Stage } from '@vzferry/core';
import { savePipelineSettings } from '@vzferry/db';
import { startLabStack, waitForBatch, type LabStack, type WorkerProcess } from '../support/lab-stack';
import {
  migratableContainers,
  smallestFirst,
  sourceRunning,
  startBatchOf,
  until,
  type LabCt,
} from '../support/lab-runs';
import { holdFile } from '../support/stage-hold';

const ACTIVE: RunStatus[] = [...ACTIVE_RUN_STATUSES];
const holdDir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-boxlost-hold-'));
let stack: LabStack;
let boxB: WorkerProcess;
let picked: LabCt[] = [];

beforeAll(async () => {
  stack = await startLabStack(
    'boxlost',
    { hosts: 1, containers: 20, debian12: false },
    { VZFERRY_TEST_HOLD_DIR: holdDir, WORKER_NAME: 'box-a', WORKER_MAX_RUNS: '3' },
    { workerEntry: path.resolve(import.meta.dirname, '../support/held-worker.ts') },
  );
  // box-b holds nothing
  boxB = stack.addWorker('box-b', { VZFERRY_TEST_HOLD_DIR: '' });
  await savePipelineSettings(stack.t.db, { templateRetryBackoffSeconds: 1, templatePollSeconds: 1 });
  // the smallest disks: each box reserves its runs' quotas
  picked = smallestFirst(await migratableContainers(stack)).slice(0, 3);
  expect(picked).toHaveLength(3);
}, 600_000);

afterAll(async () => {
  // a held stage would keep a worker's shutdown waiting
  rmSync(holdDir, { recursive: true, force: true });
  if (stack)
    console.log(
      [...stack.workerLog, ...(boxB?.log ?? []).map((l) => `[box-b] ${l}`)]
        .filter((l) => l.startsWith('[test]') || /error|fail|silent|rolling|queue/i.test(l))
        .slice(-60)
        .join('\n'),
    );
  await stack?.stop();
}, 120_000);

/** No container is stopped unless its run is inside its downtime or finished the migration. */
async function checkSources(batchId: string) {
  const runs = await stack.t.prisma.migrationRun.findMany({ where: { batchId } });
  for (const run of runs) {
    const ct = picked.find((c) => c.id === run.containerId)!;
    const mayBeDown = run.downtimeStartedAt && (ACTIVE.includes(run.status) || run.status === 'succeeded');
    if (!mayBeDown) expect(sourceRunning(stack, ct), `${ct.sourceCtid} ${run.status}`).toBe(true);
  }
}

/** Polls until `fn` holds, checking the batch's sources at each poll. */
async function untilChecking(what: string, batchId: string, fn: () => Promise<boolean>, timeoutMs = 480_000) {
  await until(
    what,
    async () => {
      if (await fn()) return true;
      await checkSources(batchId);
      return false;
    },
    timeoutMs,
  );
}

describe('a converter box lost for good mid-batch', () => {
  it(
    'hands the dead box runs on to the other box: before the downtime from the start, inside it a rollback, after it the rest',
    { timeout: 900_000 },
    async () => {
      const started = Date.now();
      const [before, inside, after] = picked as [LabCt, LabCt, LabCt];
      const holds: Array<[LabCt, Stage]> = [
        [before, 'initial_sync'],
        [inside, 'final_sync'],
        [after, 'cleanup'],
      ];
      for (const [ct, stage] of holds) writeFileSync(holdFile(holdDir, ct.sourceCtid, stage), '');
      const { batchId } = await startBatchOf(stack, 'box lost', picked);
      const runOf = async (ct: LabCt) =>
        stack.t.prisma.migrationRun.findFirstOrThrow({ where: { batchId, containerId: ct.id } });
      // box-a takes all three; box-b joins once they are box-a's
      await untilChecking('every run on box-a', batchId, async () => {
        const runs = await stack.t.prisma.migrationRun.findMany({ where: { batchId, status: 'running' } });
        return runs.length === 3;
      });
      const boxA = await stack.t.prisma.converterBox.findUniqueOrThrow({ where: { name: 'box-a' } });
      await boxB.start();
      await untilChecking('each run held in its stage on box-a', batchId, async () => {
        const held = await stack.t.prisma.stageRun.findMany({
          where: { run: { batchId }, status: 'running', converterBoxId: boxA.id },
          include: { run: true },
        });
        return holds.every(([ct, stage]) => held.some((s) => s.run.containerId === ct.id && s.stage === stage));
      });
      expect(sourceRunning(stack, inside)).toBe(false);
      await stack.stopWorker('SIGKILL');
      const killedAt = Date.now();
      stack.workerLog.push(`[test] ${new Date().toISOString()} box-a killed for good`);

      const runs = await untilChecking('the batch ends', batchId, async () => {
        const r = await stack.t.prisma.migrationRun.findMany({ where: { batchId } });
        return r.every((x) => !ACTIVE.includes(x.status));
      }).then(() => waitForBatch(stack, batchId, 10_000));
      console.log(
        `box lost: ${(Date.now() - started) / 1000} s in all, the batch ended ${(Date.now() - killedAt) / 1000} s after box-a died`,
      );
      await checkSources(batchId);
      const box = await stack.t.prisma.converterBox.findUniqueOrThrow({ where: { name: 'box-b' } });
      const sim = stack.lab.cloudstack!.simulator;
      const stagesOf = async (runId: string) =>
        (await stack.t.prisma.stageRun.findMany({ where: { runId }, orderBy: { queuedAt: 'asc' } })).map(
          (s) => `${s.stage}#${s.attempt} ${s.status}${s.errorCode ? ` ${s.errorCode}` : ''}`,
        );

      // before the downtime: migrated again from the start on box-b
      const b = await runOf(before);
      const bStages = await stagesOf(b.id);
      expect(b.status, `${b.error}\n${bStages.join('\n')}`).toBe('succeeded');
      expect(b.converterBoxId).toBe(box.id);
      expect(bStages).toContain('initial_sync#1 failed box_lost');
      expect(bStages).toContain('preflight#2 succeeded');
      expect(bStages).toContain('initial_sync#2 succeeded');
      expect(sourceRunning(stack, before)).toBe(false);
      expect(sim.state.vms.filter((v) => v.name === b.cloudstackVmName).map((v) => v.state)).toEqual(['Running']);

      // inside the downtime: rolled back by box-b, the container runs again, the problem is on the run
      const i = await runOf(inside);
      expect(i, (await stagesOf(i.id)).join('\n')).toMatchObject({
        status: 'failed',
        errorCode: 'box_lost',
        failedStage: 'final_sync',
        converterBoxId: box.id,
      });
      expect(i.error).toMatch(/converter box stopped during the downtime/);
      expect(i.downtimeEndedAt!.getTime()).toBeGreaterThan(i.downtimeStartedAt!.getTime());
      expect(sourceRunning(stack, inside)).toBe(true);
      expect(await stack.t.prisma.templateDownloadSlot.count({ where: { runId: i.id } })).toBe(0);
      const events = await stack.t.prisma.runEvent.findMany({ where: { runId: i.id } });
      expect(events.map((e) => e.message)).toContain(
        'converter box went silent during the downtime; rolling back from box-b',
      );

      // after the downtime: box-b runs cleanup; the container is not migrated again
      const a = await runOf(after);
      const aStages = await stagesOf(a.id);
      expect(a.status, `${a.error}\n${aStages.join('\n')}`).toBe('succeeded');
      expect(aStages.filter((s) => s.startsWith('preflight#'))).toEqual(['preflight#1 succeeded']);
      expect(aStages.filter((s) => s.startsWith('cleanup#'))).toEqual([
        'cleanup#1 failed box_lost',
        'cleanup#2 succeeded',
      ]);
      expect(sourceRunning(stack, after)).toBe(false);
      expect(sim.state.vms.filter((v) => v.name === a.cloudstackVmName).map((v) => v.state)).toEqual(['Running']);
      const left = sim.state.templates.filter((t) => t.name.startsWith(`${a.cloudstackVmName}-t`) && !t.removed);
      expect(left.map((t) => t.name)).toEqual([]);

      // the scheduler's tick closes the batch once its runs ended
      await untilChecking(
        'the batch closes',
        batchId,
        async () => {
          const row = await stack.t.prisma.batch.findUniqueOrThrow({ where: { id: batchId } });
          return row.status !== 'running';
        },
        30_000,
      );
      const batchRow = await stack.t.prisma.batch.findUniqueOrThrow({ where: { id: batchId } });
      expect(batchRow.status).toBe('completed_with_failures');
      expect(runs.map((r) => r.status).sort()).toEqual(['failed', 'succeeded', 'succeeded']);
    },
  );
});
