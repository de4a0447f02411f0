// The worker process killed with SIGKILL in every stage of a run, in turn,
// and started again each time: a batch of small containers on the lab, the
// real worker (apps/worker/src/main.ts, through test/support/paused-worker.ts).
// Every run must finish as if nothing happened: each stage succeeded once (a
// killed attempt is resumed, not attempted again), one downtime recorded and
// closed, one work disk (gone after cleanup, no loop device left), no download
// slot or run lease left behind, the source container stopped for good, one
// VM per container in the lab CloudStack and no template of the run left in
// its secondary storage.
//
// How each stage is hit: the worker runs its real stage functions, which
// wait at their start while the test holds them (test/support/held-worker.ts:
// the engine claimed the attempt, the stage run is `running` in PostgreSQL).
// Each kill cycle holds every run of the batch at the next stage nobody was
// killed in yet after where the run is (a different one per run, so a cycle
// hits up to RUNS stages; the runs drift apart). Once all are held, the
// stages that take milliseconds (preflight, prepare_source, create_disk,
// await_cutover, stop_source, detect_os, backup_config, rewrite_config,
// convert_image, verify, cleanup...) are killed inside the hold; the slow ones
// are let go and killed WORK_MS into their real work (the rsync and the
// appliance's job in initial_sync, the template download, the VM's deployment).
// A stage counts as hit only if its attempt is still `running` in the database
// once the worker is dead; a slow stage that ended first is aimed at again, in
// another run, inside the hold.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVE_RUN_STATUSES, STAGES, type RunStatus, type Stage } from '@vzferry/core';
import { createBatch, savePipelineSettings, startBatch } from '@vzferry/db';
import { startLabStack, waitForBatch, type LabStack } from '../support/lab-stack';
import { migratableContainers, smallestFirst, sourceRunning, type LabCt } from '../support/lab-runs';
import { holdFile } from '../support/stage-hold';

/** how far into their real work the slow stages are killed */
const WORK_MS: Partial<Record<Stage, number>> = {
  initial_sync: 4_000,
  register_template: 1_000,
  deploy_vm: 500,
};
const RUNS = 3;
const actor = { name: 'test' };
const holdDir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-wkill-hold-'));
let stack: LabStack;
let picked: LabCt[] = [];

beforeAll(async () => {
  stack = await startLabStack(
    'wkill',
    { hosts: 1, containers: 20, debian12: false },
    { VZFERRY_TEST_HOLD_DIR: holdDir, WORKER_MAX_RUNS: String(RUNS) },
    { workerEntry: path.resolve(import.meta.dirname, '../support/held-worker.ts') },
  );
  await savePipelineSettings(stack.t.db, { templateRetryBackoffSeconds: 1, templatePollSeconds: 1 });
  // the smallest disks: the box reserves each run's quota
  picked = smallestFirst(await migratableContainers(stack)).slice(0, RUNS);
  expect(picked).toHaveLength(RUNS);
}, 600_000);

afterAll(async () => {
  // a held stage would keep the worker's shutdown waiting
  rmSync(holdDir, { recursive: true, force: true });
  if (stack)
    console.log(
      stack.workerLog
        .filter((l) => l.startsWith('[test]') || /error|fail/i.test(l))
        .slice(-60)
        .join('\n'),
    );
  await stack?.stop();
}, 120_000);

function loopsOf(runId: string): string[] {
  const out = execFileSync('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(`/${runId}/disk.raw`));
}

const ACTIVE: RunStatus[] = [...ACTIVE_RUN_STATUSES];

type Target = { runId: string; sourceCtid: number; stage: Stage };

/** Each run's next stage that no kill hit yet, one run per stage, the runs furthest behind first. */
async function nextTargets(batchId: string, hit: Set<Stage>): Promise<Target[]> {
  const runs = await stack.t.prisma.migrationRun.findMany({
    where: { batchId, status: { in: ACTIVE } },
    include: { container: true, stageRuns: { orderBy: { queuedAt: 'desc' }, take: 1 } },
  });
  const at = (r: (typeof runs)[number]) => (r.stageRuns[0] ? STAGES.indexOf(r.stageRuns[0].stage) : -1);
  const taken = new Set<Stage>();
  const targets: Target[] = [];
  for (const run of runs.sort((a, b) => at(a) - at(b))) {
    const stage = STAGES.slice(at(run) + 1).find((s) => !hit.has(s) && !taken.has(s));
    if (!stage) continue;
    taken.add(stage);
    targets.push({ runId: run.id, sourceCtid: run.container.sourceCtid, stage });
  }
  return targets;
}

/** the source runs until its downtime starts, and again whenever its run ends without success */
async function checkSources(batchId: string) {
  const runs = await stack.t.prisma.migrationRun.findMany({ where: { batchId }, include: { container: true } });
  for (const run of runs) {
    const ct = picked.find((c) => c.id === run.containerId)!;
    if (!run.downtimeStartedAt || (!ACTIVE.includes(run.status) && run.status !== 'succeeded'))
      expect(sourceRunning(stack, ct), `${ct.sourceCtid} ${run.status}`).toBe(true);
  }
}

/** Polls until each target's stage is running (held at its start, or working). */
async function whenHeld(batchId: string, targets: Target[], timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await checkSources(batchId);
    const running = await stack.t.prisma.stageRun.findMany({ where: { run: { batchId }, status: 'running' } });
    if (targets.every((t) => running.some((sr) => sr.runId === t.runId && sr.stage === t.stage))) return;
    const ended = await stack.t.prisma.migrationRun.findMany({
      where: { id: { in: targets.map((t) => t.runId) }, status: { notIn: ACTIVE } },
    });
    if (ended.length > 0) throw new Error(`a run ended while the test waited for it: ${ended.map((r) => r.error)}`);
    if (Date.now() > deadline) {
      const runs = await stack.t.prisma.migrationRun.findMany({ where: { batchId } });
      throw new Error(
        `not held within ${timeoutMs / 1000} s: ${targets.map((t) => `${t.sourceCtid}:${t.stage}`)} (${runs.map((r) => `${r.status} ${r.error ?? ''}`)})`,
      );
    }
    await sleep(100);
  }
}

/**
 * Kills the worker in each stage in turn (see the header) until every stage
 * was hit; returns, per run, the stages it was killed in, and the number of kills.
 */
async function killInEveryStage(batchId: string): Promise<{ killedIn: Map<string, Stage[]>; kills: number }> {
  const hit = new Set<Stage>();
  const insideHold = new Set<Stage>(); // slow stages that ended before the kill: aimed at inside the hold
  const killedIn = new Map<string, Stage[]>();
  const hold = (t: Target) => holdFile(holdDir, t.sourceCtid, t.stage);
  let kills = 0;
  let targets = await nextTargets(batchId, hit);
  for (const t of targets) writeFileSync(hold(t), '');
  await startBatch(stack.t.db, batchId, {});
  while (hit.size < STAGES.length) {
    if (targets.length === 0) throw new Error(`never hit: ${STAGES.filter((s) => !hit.has(s)).join(', ')}`);
    await whenHeld(batchId, targets);
    const slow = targets.filter((t) => WORK_MS[t.stage] && !insideHold.has(t.stage));
    for (const t of slow) rmSync(hold(t));
    if (slow.length > 0) await sleep(Math.min(...slow.map((t) => WORK_MS[t.stage]!)));
    await stack.stopWorker('SIGKILL');
    kills++;
    // what the dead worker left running is what it was killed in
    const cut = await stack.t.prisma.stageRun.findMany({ where: { run: { batchId }, status: 'running' } });
    for (const sr of cut) {
      hit.add(sr.stage);
      killedIn.set(sr.runId, [...(killedIn.get(sr.runId) ?? []), sr.stage]);
    }
    for (const t of slow) if (!hit.has(t.stage)) insideHold.add(t.stage);
    stack.workerLog.push(`[test] ${new Date().toISOString()} SIGKILL in ${cut.map((s) => s.stage).join(', ')}`);
    for (const t of targets) rmSync(hold(t), { force: true });
    targets = hit.size < STAGES.length ? await nextTargets(batchId, hit) : [];
    for (const t of targets) writeFileSync(hold(t), '');
    await stack.startWorker();
  }
  return { killedIn, kills };
}

describe('the worker killed in every stage', () => {
  it(
    'finishes every run of the batch after a SIGKILL in each stage, with one downtime, one disk, one VM, nothing leaked',
    { timeout: 900_000 },
    async () => {
      const started = Date.now();
      const batch = await createBatch(
        stack.t.db,
        { name: 'killed in every stage', containerIds: picked.map((c) => c.id) },
        actor,
      );
      const { killedIn, kills } = await killInEveryStage(batch.id);
      const runs = await waitForBatch(stack, batch.id, 300_000);
      await checkSources(batch.id);
      console.log(
        `${kills} kills cut ${[...killedIn.values()].flat().length} stage attempts; the batch took ${(Date.now() - started) / 1000} s`,
      );
      const sim = stack.lab.cloudstack!.simulator;

      for (const r of runs) {
        const run = await stack.t.prisma.migrationRun.findUniqueOrThrow({
          where: { id: r.id },
          include: { stageRuns: true, downtimeWindows: true, downloadSlot: true, templateUploads: true },
        });
        const ct = picked.find((c) => c.id === run.containerId)!;
        const why = `run of ${ct.sourceCtid}, killed in ${killedIn.get(run.id)?.join(', ')}`;
        expect(run.status, `${why}: ${run.error}`).toBe('succeeded');
        // every stage once, succeeded: a killed attempt is resumed, not attempted again
        expect(run.stageRuns.map((s) => `${s.stage}#${s.attempt} ${s.status}`).sort(), why).toEqual(
          STAGES.map((s) => `${s}#1 succeeded`).sort(),
        );
        for (const stage of killedIn.get(run.id) ?? []) {
          const sr = run.stageRuns.find((s) => s.stage === stage)!;
          expect(
            await stack.t.prisma.runEvent.count({
              where: { stageRunId: sr.id, message: { contains: 'resumed after a worker stopped' } },
            }),
            `${why}: ${stage} resumed`,
          ).toBeGreaterThanOrEqual(1);
        }
        // one downtime: started by stop_source, closed by verify, no earlier window
        const stop = run.stageRuns.find((s) => s.stage === 'stop_source')!;
        const verify = run.stageRuns.find((s) => s.stage === 'verify')!;
        expect(run.downtimeWindows, why).toEqual([]);
        expect(run.downtimeStartedAt!.getTime()).toBeGreaterThanOrEqual(stop.startedAt!.getTime());
        expect(run.downtimeStartedAt!.getTime()).toBeLessThanOrEqual(stop.finishedAt!.getTime());
        expect(run.downtimeEndedAt!.getTime()).toBeGreaterThanOrEqual(verify.startedAt!.getTime());
        expect(run.downtimeEndedAt!.getTime()).toBeLessThanOrEqual(verify.finishedAt!.getTime());
        // nothing held: the download slot, the run's lease
        expect(run.downloadSlot, why).toBeNull();
        expect(run.leaseOwner, why).toBeNull();
        // one work disk, gone with cleanup, no loop device left on it
        expect(existsSync(path.join(stack.dir, 'work', run.id)), why).toBe(false);
        expect(loopsOf(run.id), why).toEqual([]);
        // the source is stopped for good
        expect(sourceRunning(stack, ct), why).toBe(false);
        // one VM, running; every template of the run deleted in secondary storage
        const vms = sim.state.vms.filter((v) => v.name === run.cloudstackVmName && v.state !== 'Destroyed');
        expect(
          vms.map((v) => v.state),
          why,
        ).toEqual(['Running']);
        const left = sim.state.templates.filter((t) => t.name.startsWith(`${run.cloudstackVmName}-t`) && !t.removed);
        expect(
          left.map((t) => t.name),
          why,
        ).toEqual([]);
        expect(
          run.templateUploads.map((u) => u.state),
          why,
        ).toEqual(run.templateUploads.map(() => 'deleted'));
      }
      expect(readdirSync(path.join(stack.dir, 'work')).filter((f) => !f.endsWith('.iso'))).toEqual([]);
      expect(await stack.t.prisma.templateDownloadSlot.count()).toBe(0);
    },
  );
});
