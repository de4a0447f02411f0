// Every queue job is a name plus a zod schema, here and only here. Both the
// producer (enqueue) and the consumer (worker) parse the payload with the
// same schema. Payloads carry ids, never secrets or state: the worker reads
// the state from PostgreSQL.
import { z } from 'zod';
import { formatZodError } from '@vzferry/core';

const uuid = z.string().uuid();

export const JOBS = {
  /** connect to a source host and record its SSH host key fingerprint */
  probe_host_key: { queue: 'inventory', schema: z.object({ sourceHostId: uuid }) },
  /** list a source host's containers and upsert them */
  import_inventory: { queue: 'inventory', schema: z.object({ sourceHostId: uuid, importId: uuid }) },
  /**
   * run one attempt of one pipeline stage (the StageRun row says which run,
   * stage and attempt); box jobs go to the queue of the converter box that
   * holds the run's work disk
   */
  run_stage: { queue: 'box', schema: z.object({ stageRunId: uuid }) },
  /** a failure during the downtime: start the source container again */
  rollback_run: { queue: 'box', schema: z.object({ runId: uuid }) },
  /** an engineer cancelled the run: restart the source if stopped, clean up */
  cancel_run: { queue: 'box', schema: z.object({ runId: uuid }) },
  /**
   * preflight's checks for the runs of a batch that have not started, on the
   * box the PreflightDryRun row names (its SSH, disk, route and CloudStack);
   * records findings, moves no status
   */
  dry_run_preflight: { queue: 'box', schema: z.object({ dryRunId: uuid }) },
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['schema']>;
export type QueueName = (typeof JOBS)[JobName]['queue'];

/** The jobs that go to queue Q. */
export type JobNameOn<Q extends QueueName> = {
  [N in JobName]: (typeof JOBS)[N]['queue'] extends Q ? N : never;
}[JobName];

/** A job as a value: its name with the payload of that name (a union over the names). */
export type Job<N extends JobName = JobName> = { [K in N]: { name: K; payload: JobPayload<K> } }[N];

/** The BullMQ queue a job goes to: box jobs are routed per converter box. */
export function queueNameFor(queue: QueueName, boxId?: string): string {
  if (queue !== 'box') return queue;
  if (!boxId) throw new Error('a converter-box job needs the box id');
  return `box-${boxId}`;
}

export function parseJob<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  const spec = JOBS[name];
  if (!spec) throw new Error(`unknown job ${String(name)}`);
  const parsed = spec.schema.safeParse(data);
  if (!parsed.success) {
    throw new Error(`invalid payload for job ${name}: ${formatZodError(parsed.error)}`);
  }
  return parsed.data as JobPayload<N>;
}

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}
