// Redis restarted mid-batch, empty (a Redis of the test's own, without
// persistence: every connection of the worker drops and every job and lock
// is gone): the reconciler rebuilds the queue from PostgreSQL and the batch
// finishes, each container migrated with its last writes, none left stopped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savePipelineSettings } from '@vzferry/db';
import { createRedis } from '@vzferry/queue';
import { startLabStack, waitForBatch, type LabStack } from '../support/lab-stack';
import { ended, migratableContainers, startBatchOf, whenStage, type LabCt } from '../support/lab-runs';
import { expectBatchSettled, runningContainers, stageLog } from './support/fault-checks';
import { startPrivateRedis, type PrivateRedis } from './support/services';

let redis: PrivateRedis;
let stack: LabStack;
let spare: LabCt[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
  stack = await startLabStack('redisfault', { hosts: 1, containers: 12, debian12: false }, {}, { redisUrl: redis.url });
  spare = await migratableContainers(stack);
}, 600_000);

afterAll(async () => {
  if (stack)
    console.log(
      stack.workerLog
        .filter((l) => l.startsWith('[test]') || /error|fail|redis/i.test(l))
        .slice(-40)
        .join('\n'),
    );
  await stack?.stop();
  await redis?.stop();
}, 120_000);

describe('Redis restarted mid-batch', () => {
  it(
    'rebuilds the queue from PostgreSQL after Redis restarts empty, and the batch finishes',
    { timeout: 600_000 },
    async () => {
      // slow enough that the restart comes during the copy: the synthetic guest's 64 MiB file at 8 MiB/s
      await savePipelineSettings(stack.t.db, { rsyncBandwidthLimitKbps: 8192 });
      const before = await runningContainers(stack);
      const { batchId, runs } = await startBatchOf(stack, 'redis restarted', spare.slice(0, 2));
      await whenStage(stack, runs[0]!.runId, 'initial_sync', 'running');
      const check = createRedis(redis.url, 'producer');
      try {
        expect((await check.keys(`${stack.prefix}:*`)).length).toBeGreaterThan(0);
        await redis.restart();
        // a new server: nothing of the batch in it
        expect(await check.keys(`${stack.prefix}:*`)).toEqual([]);
      } finally {
        check.disconnect();
      }
      const done = await waitForBatch(stack, batchId, 480_000, ended);
      for (const r of done) expect(r.status, await stageLog(stack, (r as { id: string }).id)).toBe('succeeded');
      await expectBatchSettled(stack, batchId, before);
      for (const { runId } of runs)
        expect(await stack.t.prisma.stageRun.count({ where: { runId, status: 'succeeded' } })).toBe(16);
    },
  );
});
