// The pipeline engine of one converter box: consumes the box's queue (stage
// attempts, rollbacks, cancels) and runs the scheduler and reconciler ticks.
import { AppError, errorMessage, RETRY_POLICIES, withRetries, type RunSnapshot, type Stage } from '@vzferry/core';
import {
  completeCancel,
  completeRollback,
  delayOf,
  failRollbackVmRunning,
  hasLiveStageAttempt,
  loadRunContext,
  toRunSnapshot,
  type Db,
  type FollowUpJob,
} from '@vzferry/db';
import { createConsumer, createProducer } from '@vzferry/queue';
import { runDryRunPreflight, type DryRunChecks } from './dry-run';
import { reconcilerTick } from './reconciler';
import { RunLog } from './run-log';
import { schedulerTick } from './scheduler';
import { runStageAttempt } from './stage-runner';
import type { StageRegistry } from '../stage-contract';

export interface RunHooks {
  /** start the source container again (a failure during the downtime), after stopping a VM that holds its IPs */
  rollback(run: RunSnapshot, log: RunLog, failedStage: Stage | null): Promise<void>;
  /** an engineer cancelled during `stage`: start the source if it was stopped (after stopping a VM that holds its IPs), clean up */
  cancel(run: RunSnapshot, log: RunLog, stage: Stage | null): Promise<void>;
}

export interface PipelineEngineOptions<D> {
  db: Db;
  redisUrl: string;
  queuePrefix: string;
  box: { id: string; name: string };
  /** this process: a restarted worker is a new owner of the same box */
  owner: string;
  stages: StageRegistry<D>;
  deps: D;
  hooks: RunHooks;
  /** preflight's checks for the dry run of a batch (without them the box reports that it cannot run one) */
  dryRunChecks?: DryRunChecks<D>;
  concurrency: number;
  schedulerMs?: number;
  reconcilerMs?: number;
  leaseMs?: number;
  heartbeatMs?: number;
  log?: (message: string) => void;
}

export interface PipelineEngine {
  /** enqueue jobs a database change implies (after its commit) */
  enqueue(jobs: FollowUpJob[]): Promise<void>;
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startPipelineEngine<D>(opts: PipelineEngineOptions<D>): PipelineEngine {
  const say = opts.log ?? ((m: string) => console.log(`[pipeline ${opts.box.name}] ${m}`));
  const producer = createProducer({ redisUrl: opts.redisUrl, prefix: opts.queuePrefix });
  const ensure = (job: FollowUpJob) =>
    producer.ensure(job.name, job.payload, { boxId: job.boxId, jobId: job.jobId, delayMs: delayOf(job) });
  const enqueue = async (jobs: FollowUpJob[]) => {
    for (const job of jobs) await ensure(job);
  };
  const runner = {
    db: opts.db,
    owner: opts.owner,
    boxId: opts.box.id,
    stages: opts.stages,
    deps: opts.deps,
    enqueue,
    heartbeatMs: opts.heartbeatMs,
    leaseMs: opts.leaseMs,
  };
  const consumer = createConsumer({
    redisUrl: opts.redisUrl,
    prefix: opts.queuePrefix,
    queue: 'box',
    boxId: opts.box.id,
    // stage attempts plus room for a rollback, a cancel or a dry run that must not wait
    concurrency: opts.concurrency + 3,
    handlers: {
      run_stage: (p) => runStageAttempt(runner, p.stageRunId),
      rollback_run: (p) => rollbackRun(opts, p.runId),
      cancel_run: (p) => cancelRunJob(opts, p.runId),
      dry_run_preflight: (p) =>
        runDryRunPreflight({ db: opts.db, box: opts.box, deps: opts.deps, checks: opts.dryRunChecks }, p.dryRunId),
    },
  });

  let stopped = false;
  const loop = (name: string, ms: number, fn: () => Promise<unknown>) => {
    let timer: NodeJS.Timeout;
    const tick = async () => {
      try {
        await fn();
      } catch (err) {
        say(`${name}: ${errorMessage(err)}`);
      }
      if (!stopped) timer = setTimeout(() => void tick(), ms);
    };
    timer = setTimeout(() => void tick(), 0);
    return () => clearTimeout(timer);
  };
  const stopScheduler = loop('scheduler', opts.schedulerMs ?? 2_000, () => schedulerTick(opts.db, enqueue));
  const stopReconciler = loop('reconciler', opts.reconcilerMs ?? 10_000, () =>
    reconcilerTick(opts.db, ensure, new Date(), opts.leaseMs),
  );

  return {
    enqueue,
    async tick() {
      await reconcilerTick(opts.db, ensure, new Date(), opts.leaseMs);
      await schedulerTick(opts.db, enqueue);
    },
    async stop() {
      stopped = true;
      stopScheduler();
      stopReconciler();
      await consumer.close();
      await producer.close();
    },
  };
}

/** Restarting the customer's container must not give up: retry, then let the reconciler try again. */
async function rollbackRun<D>(opts: PipelineEngineOptions<D>, runId: string): Promise<void> {
  const row = await loadRunContext(opts.db, runId);
  if (row.status !== 'rolling_back') return;
  const log = new RunLog(opts.db, runId, null);
  try {
    try {
      await withRetries(RETRY_POLICIES.rollback, () => opts.hooks.rollback(toRunSnapshot(row), log, row.failedStage), {
        onRetry: (err, n) => log.event('error', `rollback attempt ${n} failed: ${errorMessage(err)}`),
      });
    } catch (err) {
      // the VM holds the container's IPs: the source stays stopped, an engineer acts
      if (!(err instanceof AppError && err.code === 'vm_stop_failed')) throw err;
      await log.close();
      await failRollbackVmRunning(opts.db, runId, err.message, new Date());
      return;
    }
    await log.close();
    await completeRollback(opts.db, runId, new Date());
  } finally {
    await log.close();
  }
}

async function cancelRunJob<D>(opts: PipelineEngineOptions<D>, runId: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  // The stage runner sees the cancel at its next heartbeat and stops. A stage
  // that failed first has started a rollback: the two must not stop the VM and
  // start the source side by side, so the cancel waits for the rollback to end.
  const busy = async () =>
    (await loadRunContext(opts.db, runId)).status === 'rolling_back' ||
    (await hasLiveStageAttempt(opts.db, runId, new Date(), opts.leaseMs));
  while (Date.now() < deadline && (await busy())) {
    await new Promise((r) => setTimeout(r, 500));
  }
  const row = await loadRunContext(opts.db, runId);
  if (row.status === 'cancelled') return;
  const log = new RunLog(opts.db, runId, null);
  if (row.status === 'rolling_back') {
    log.event('warn', 'cancel not done: the run is still rolling back; Cancel again once the rollback has ended');
    await log.close();
    return;
  }
  try {
    try {
      await withRetries(RETRY_POLICIES.rollback, () => opts.hooks.cancel(toRunSnapshot(row), log, row.currentStage), {
        onRetry: (err, n) => log.event('error', `cancel clean-up attempt ${n} failed: ${errorMessage(err)}`),
      });
    } catch (err) {
      // as in a rollback: the VM holds the container's IPs, the source stays stopped, an engineer acts
      if (!(err instanceof AppError && err.code === 'vm_stop_failed')) throw err;
      await log.close();
      await failRollbackVmRunning(opts.db, runId, err.message, new Date(), 'cancel');
      return;
    }
    await log.close();
    await completeCancel(opts.db, runId, new Date());
  } finally {
    await log.close();
  }
}
