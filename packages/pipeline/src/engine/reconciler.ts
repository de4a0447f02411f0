// PostgreSQL is the truth: every job its rows imply must exist in Redis.
// After Redis lost its data, or a worker died mid-stage, this puts the jobs
// back (idempotently: deterministic job ids, and ensure() leaves a job that
// is waiting or running alone).
import {
  BOX_OFFLINE_AFTER_MS,
  dryRunJobsThatMustExist,
  jobsThatMustExist,
  rescueRunsOfOfflineBoxes,
  withLeaderLock,
  type Db,
  type FollowUpJob,
} from '@vzferry/db';

export async function reconcilerTick(
  db: Db,
  ensure: (job: FollowUpJob) => Promise<'exists' | 'added'>,
  now: Date = new Date(),
  leaseMs?: number,
): Promise<number | null> {
  return withLeaderLock(db, 'reconciler', async () => {
    let added = 0;
    const rescued = await rescueRunsOfOfflineBoxes(db, now, BOX_OFFLINE_AFTER_MS);
    const jobs = [
      ...rescued,
      ...(await jobsThatMustExist(db, now, leaseMs)),
      ...(await dryRunJobsThatMustExist(db, now)),
    ];
    for (const job of jobs) {
      if ((await ensure(job)) === 'added') added++;
    }
    return added;
  });
}
