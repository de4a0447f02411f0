// Catch-up syncs on the lab with the real worker: a run whose downtime
// window opens a few minutes later waits in await_cutover, and every
// interval the box's copy catches up with the running container. Each
// catch-up is recorded with its time and what had changed (a file the
// customer wrote after the initial sync is counted and copied), the run
// shows its projected downtime before the cutover, and when the window
// opens the cutover goes ahead and the VM holds the file.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateCutoverMs } from '@vzferry/core';
import { getRunView, savePipelineSettings } from '@vzferry/db';
import { startLabStack, waitForBatch, type LabStack } from './support/lab-stack';
import { ended, migratableContainers, migrateOne, privateDir, until, whenStage, type LabCt } from './support/lab-runs';
import { readFromVolume } from './support/volume';

let stack: LabStack;
let pool: LabCt[] = [];

beforeAll(async () => {
  stack = await startLabStack('catchup', { hosts: 1, containers: 8, debian12: false });
  await savePipelineSettings(stack.t.db, {
    templateRetryBackoffSeconds: 1,
    templatePollSeconds: 1,
    catchUpSyncIntervalMinutes: 1,
  });
  pool = await migratableContainers(stack);
}, 600_000);

afterAll(async () => {
  if (stack)
    console.log(
      stack.workerLog
        .filter((l) => l.startsWith('[test]') || /error|fail|catch-up/i.test(l))
        .slice(-40)
        .join('\n'),
    );
  await stack?.stop();
}, 120_000);

/** A daily window in the customer's time zone that opens on the first whole minute at least `leadSeconds` from now. */
function windowFromNow(leadSeconds: number, timeZone: string): { text: string; start: Date } {
  const start = new Date(Math.ceil((Date.now() + leadSeconds * 1000) / 60_000) * 60_000);
  const end = new Date(start.getTime() + 45 * 60_000);
  const hhmm = (d: Date) =>
    new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  return { text: `${hhmm(start)}-${hhmm(end)}`, start };
}

describe('catch-up syncs while a run waits for its downtime window', () => {
  it(
    'records each catch-up with what changed, projects the downtime, and cuts over when the window opens',
    { timeout: 900_000 },
    async () => {
      const ct = pool[0]!;
      const { customer } = await stack.t.prisma.container.findUniqueOrThrow({
        where: { id: ct.id },
        include: { customer: true },
      });
      // enough lead for the initial sync and two catch-ups (one a minute) before the window
      const window = windowFromNow(210, customer?.timezone ?? 'UTC');
      await stack.t.prisma.container.update({ where: { id: ct.id }, data: { downtimeWindow: window.text } });
      const { batchId, runId } = await migrateOne(stack, pool, 'catch-up syncs');

      await whenStage(stack, runId, 'initial_sync', 'succeeded', 300_000);
      const file = 'root/written-while-waiting.txt';
      const content = `written after the initial sync at ${new Date().toISOString()}\n`;
      writeFileSync(path.join(privateDir(stack, ct), file), content);

      const first = await until(
        'a catch-up sync',
        () => stack.t.prisma.catchUpSync.findFirst({ where: { runId } }),
        150_000,
      );
      expect(first.filesTransferred).toBeGreaterThanOrEqual(1);
      expect(first.bytesTransferred).toBeGreaterThanOrEqual(BigInt(content.length));
      expect(first.files).toBeGreaterThan(first.filesTransferred);
      expect(first.startedAt.getTime()).toBeLessThan(window.start.getTime());
      // the stage writes its projection when it goes back to waiting, after the catch-up
      const waiting = await until(
        'the run waiting again after a catch-up sync',
        async () => {
          const r = await stack.t.prisma.migrationRun.findUniqueOrThrow({
            where: { id: runId },
            include: { container: true, catchUpSyncs: { orderBy: { startedAt: 'desc' }, take: 1 } },
          });
          return r.status === 'waiting' && r.catchUpSyncs.length > 0 && r;
        },
        120_000,
      );
      expect(waiting.downtimeStartedAt, 'no downtime before the window').toBeNull();
      // the final sync is projected at what the last catch-up took, the rest of the cutover by the model
      expect(waiting.projectedDowntimeMs).toBe(
        estimateCutoverMs({
          usedBytes: waiting.container.diskUsedKb! * 1024n,
          files: waiting.container.inodesUsed!,
          catchUpSeconds: waiting.catchUpSyncs[0]!.durationMs / 1000,
        }),
      );
      // the run page has both before the cutover
      const view = await getRunView(stack.t.db, runId);
      expect(view.projectedDowntimeMs).toBe(waiting.projectedDowntimeMs);
      expect(view.catchUpSyncs[0]).toMatchObject({
        filesTransferred: first.filesTransferred,
        durationMs: first.durationMs,
      });

      const [run] = await waitForBatch(stack, batchId, 600_000, ended);
      expect(run!.status, run!.error ?? '').toBe('succeeded');
      expect(run!.downtimeStartedAt!.getTime()).toBeGreaterThanOrEqual(window.start.getTime());
      const syncs = await stack.t.prisma.catchUpSync.findMany({ where: { runId }, orderBy: { startedAt: 'asc' } });
      // one a minute while waiting: the interval is kept, not one per wake-up
      for (let i = 1; i < syncs.length; i++)
        expect(syncs[i]!.startedAt.getTime() - syncs[i - 1]!.startedAt.getTime()).toBeGreaterThanOrEqual(55_000);
      expect(syncs.length).toBeGreaterThanOrEqual(2);
      const onVm = await readFromVolume(
        stack.lab.cloudstack!.simulator.rootVolumePath(run!.cloudstackVmId!),
        [file],
        stack.dir,
      );
      expect(onVm[file]).toBe(content);
    },
  );
});
