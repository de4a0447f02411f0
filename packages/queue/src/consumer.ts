import { Worker, UnrecoverableError, type Job } from 'bullmq';
import { isJobName, parseJob, queueNameFor, type JobName, type JobPayload, type QueueName } from './contract';
import { createRedis } from './connection';

export type Handlers = { [N in JobName]?: (payload: JobPayload<N>, job: Job) => Promise<void> };

export interface Consumer {
  close(): Promise<void>;
}

/**
 * A BullMQ worker for one queue whose jobs are dispatched by name to typed
 * handlers. A payload that does not parse is unrecoverable: retrying cannot
 * fix it.
 */
export function createConsumer(opts: {
  redisUrl: string;
  prefix: string;
  queue: QueueName;
  /** for the 'box' queue: this converter box's id */
  boxId?: string;
  handlers: Handlers;
  concurrency?: number;
}): Consumer {
  const connection = createRedis(opts.redisUrl, 'worker');
  const worker = new Worker(
    queueNameFor(opts.queue, opts.boxId),
    async (job) => {
      if (!isJobName(job.name)) throw new UnrecoverableError(`unknown job ${job.name}`);
      const handler = opts.handlers[job.name] as ((p: unknown, j: Job) => Promise<void>) | undefined;
      if (!handler) throw new UnrecoverableError(`no handler for job ${job.name} on this worker`);
      let payload: unknown;
      try {
        payload = parseJob(job.name, job.data);
      } catch (err) {
        throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
      }
      await handler(payload, job);
    },
    { connection, prefix: opts.prefix, concurrency: opts.concurrency ?? 1 },
  );
  worker.on('error', (err) => console.error(`queue ${opts.queue}: ${err.message}`));
  return {
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}

export { UnrecoverableError };
