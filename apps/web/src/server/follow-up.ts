// A database change that implies queue work (retry, cancel) returns the jobs;
// they are enqueued after the commit. Idempotent job ids: a repeat is a no-op.
import { delayOf, type FollowUpJob } from '@vzferry/db';
import type { Producer } from '@vzferry/queue';

export async function enqueueFollowUps(producer: Producer, jobs: FollowUpJob[]): Promise<void> {
  for (const job of jobs)
    await producer.ensure(job.name, job.payload, { boxId: job.boxId, jobId: job.jobId, delayMs: delayOf(job) });
}
