import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOBS, parseJob, queueNameFor, type JobName, type JobPayload } from './contract';
import { createRedis } from './connection';

export interface EnqueueOptions {
  /** required for box jobs: the converter box whose queue takes the job */
  boxId?: string;
  /** a deterministic id makes enqueueing idempotent (see ensure) */
  jobId?: string;
  delayMs?: number;
}

export interface Producer {
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts?: EnqueueOptions): Promise<string>;
  /**
   * Makes sure a job with this id is waiting, delayed or running: adds it
   * when missing, replaces it when it already completed or failed. The
   * reconciler uses this to rebuild queues from PostgreSQL.
   */
  ensure<N extends JobName>(
    name: N,
    payload: JobPayload<N>,
    opts: EnqueueOptions & { jobId: string },
  ): Promise<'exists' | 'added'>;
  close(): Promise<void>;
}

const KEEP: JobsOptions = { removeOnComplete: 1000, removeOnFail: 5000 };

export function createProducer(opts: { redisUrl: string; prefix: string; connection?: Redis }): Producer {
  const connection = opts.connection ?? createRedis(opts.redisUrl, 'producer');
  const queues = new Map<string, Queue>();
  const queueFor = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection, prefix: opts.prefix });
      queues.set(name, q);
    }
    return q;
  };
  const add = async <N extends JobName>(name: N, payload: JobPayload<N>, o: EnqueueOptions = {}) => {
    const data = parseJob(name, payload);
    const queue = queueFor(queueNameFor(JOBS[name].queue, o.boxId));
    const job = await queue.add(name, data, {
      ...KEEP,
      jobId: o.jobId,
      delay: o.delayMs && o.delayMs > 0 ? o.delayMs : undefined,
    });
    return job.id ?? '';
  };
  return {
    enqueue: add,
    async ensure(name, payload, o) {
      const queue = queueFor(queueNameFor(JOBS[name].queue, o.boxId));
      const existing = await queue.getJob(o.jobId);
      if (existing) {
        const state = await existing.getState();
        if (state !== 'completed' && state !== 'failed') return 'exists';
        await existing.remove();
      }
      await add(name, payload, o);
      return 'added';
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      if (!opts.connection) connection.disconnect();
    },
  };
}
