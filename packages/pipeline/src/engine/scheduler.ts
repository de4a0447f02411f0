// One scheduling tick: start batches whose time came, give queued runs to
// converter boxes within every limit (core's planStarts), record why the
// others wait, and close batches whose runs all ended. Every worker ticks;
// the leader lock lets one act at a time.
import { planStarts } from '@vzferry/core';
import {
  assignRun,
  completeFinishedBatches,
  loadSchedulerState,
  recordWaitingReasons,
  startDueBatches,
  withLeaderLock,
  type Db,
  type FollowUpJob,
} from '@vzferry/db';

export async function schedulerTick(
  db: Db,
  enqueue: (jobs: FollowUpJob[]) => Promise<void>,
  now: Date = new Date(),
): Promise<number | null> {
  return withLeaderLock(db, 'scheduler', async () => {
    await startDueBatches(db, now);
    const state = await loadSchedulerState(db, now);
    const plan = planStarts(state.candidates, state.active, state.boxes, state.limits);
    const need = new Map(state.candidates.map((c) => [c.runId, c.diskBytes]));
    let started = 0;
    for (const start of plan.starts) {
      const job = await assignRun(db, start.runId, start.converterBoxId, need.get(start.runId) ?? 0n, now);
      if (!job) continue;
      await enqueue([job]);
      started++;
    }
    await recordWaitingReasons(db, plan.waiting);
    await completeFinishedBatches(db, now);
    return started;
  });
}
