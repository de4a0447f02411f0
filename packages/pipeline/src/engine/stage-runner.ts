// Runs one stage attempt: claim it, keep its lease alive, give the stage its
// context, judge the outcome with the engine's rules, persist the decision
// and enqueue what follows. A cancel, a lost lease or heartbeats that cannot
// be written (the database away) abort the stage.
import { CloudStackError, CloudStackJobTimeoutError, CloudStackTransportError } from '@vzferry/cloudstack';
import { GuestPathError } from '@vzferry/guest';
import {
  AppError,
  decideNext,
  errorMessage,
  ExecError,
  runStatePatchSchema,
  stageFailure,
  type CutoverPath,
  type Stage,
  type StageFailure,
  type StageOutcome,
} from '@vzferry/core';
import {
  claimStageRun,
  finishStageRun,
  heartbeatStageRun,
  isDatabaseUnavailable,
  loadRunContext,
  STAGE_LEASE_MS,
  toRunSnapshot,
  type Db,
  type FollowUpJob,
  type StageProgress,
} from '@vzferry/db';
import { RunLog } from './run-log';
import type { ProgressUpdate, StageContext, StageRegistry, StageReturn } from '../stage-contract';

export interface StageRunnerOptions<D> {
  db: Db;
  owner: string;
  boxId: string;
  stages: StageRegistry<D>;
  deps: D;
  enqueue: (jobs: FollowUpJob[]) => Promise<void>;
  heartbeatMs?: number;
  /** how long a silent worker keeps its claim (STAGE_LEASE_MS by default) */
  leaseMs?: number;
  now?: () => Date;
}

export async function runStageAttempt<D>(opts: StageRunnerOptions<D>, stageRunId: string): Promise<void> {
  const now = opts.now ?? (() => new Date());
  const claim = await claimStageRun(opts.db, {
    stageRunId,
    owner: opts.owner,
    boxId: opts.boxId,
    now: now(),
    leaseMs: opts.leaseMs,
  });
  if (!claim) return; // done, cancelled, not due yet, or another worker has it
  const log = new RunLog(opts.db, claim.runId, stageRunId);
  const abort = new AbortController();
  const progress = new ProgressBuffer();
  let cancelRequested = false;
  let lost = false;
  let unreachable = false;
  const leaseMs = opts.leaseMs ?? STAGE_LEASE_MS;
  let lastBeatAt = Date.now();
  let beating = false;
  const beat = setInterval(() => {
    // Without heartbeats the lease runs out and another worker may take the
    // stage: stop well before that rather than run it twice.
    const silentMs = Date.now() - lastBeatAt;
    if (silentMs > leaseMs / 2 && !unreachable) {
      unreachable = true;
      abort.abort(
        new Error(`the heartbeat could not be written for ${Math.round(silentMs / 1000)} s (database unreachable)`),
      );
    }
    if (beating) return; // a heartbeat that hangs is not sent again on top of itself
    beating = true;
    void heartbeatStageRun(opts.db, {
      stageRunId,
      owner: opts.owner,
      now: now(),
      progress: progress.take(),
      leaseMs: opts.leaseMs,
    })
      .then((hb) => {
        lastBeatAt = Date.now();
        if (hb.lost && !lost) {
          lost = true;
          abort.abort(new Error('the lease on this stage was lost to another worker'));
        }
        if (hb.cancelRequested && !cancelRequested) {
          cancelRequested = true;
          abort.abort(new Error('cancelled by an engineer'));
        }
      })
      .catch((err) => log.event('warn', `heartbeat failed: ${errorMessage(err)}`))
      .finally(() => (beating = false));
  }, opts.heartbeatMs ?? 2_000);

  try {
    const run = toRunSnapshot(await loadRunContext(opts.db, claim.runId));
    log.event(
      'info',
      `${claim.stage} started (attempt ${claim.attempt}${claim.resumed ? ', resumed after a worker stopped' : ''}) on ${run.box.name}`,
    );
    const ctx: StageContext = {
      run,
      stage: claim.stage,
      attempt: claim.attempt,
      resumed: claim.resumed,
      signal: abort.signal,
      log: (level, message, data) => log.event(level, message, data),
      command: (argv, where) => log.command(argv, where),
      output: (stream, chunk) => log.output(stream, chunk),
      progress: (update) => progress.put(update),
      now,
    };
    const ret = await runGuarded(opts.stages[claim.stage], ctx, opts.deps);
    // preflight chooses the run's order; every later stage has it in its snapshot
    const path = ret.patch?.cutoverPath ?? run.state.cutoverPath;
    clearInterval(beat);
    await log.close();
    // the new owner, the cancel job, or (database away) the reconciler's takeover once the lease ran out
    if (lost || cancelRequested || unreachable) return;
    await finish(opts, { ...claim, path }, ret, log, now());
  } finally {
    clearInterval(beat);
    await log.close();
  }
}

async function finish<D>(
  opts: StageRunnerOptions<D>,
  claim: { stageRunId: string; stage: Stage; attempt: number; path: CutoverPath },
  ret: StageReturn,
  log: RunLog,
  at: Date,
): Promise<void> {
  const patch = ret.patch ? runStatePatchSchema.parse(ret.patch) : undefined;
  const failure = ret.outcome.kind === 'failed' ? ret.outcome.failure : undefined;
  const next = decideNext({
    stage: claim.stage,
    attempt: claim.attempt,
    outcome: ret.outcome,
    now: at,
    path: claim.path,
  });
  log.event(failure ? 'error' : 'info', describe(claim.stage, ret.outcome, ret.message));
  await log.close();
  const jobs = await finishStageRun(opts.db, {
    stageRunId: claim.stageRunId,
    owner: opts.owner,
    next,
    failure,
    result: ret.result,
    message: ret.message,
    runPatch: patch,
    now: at,
  });
  await opts.enqueue(jobs);
}

/** A stage that throws is a failed outcome, judged by what it threw. */
async function runGuarded<D>(fn: StageRegistry<D>[Stage], ctx: StageContext, deps: D): Promise<StageReturn> {
  try {
    return await fn(ctx, deps);
  } catch (err) {
    return { outcome: { kind: 'failed', failure: toFailure(err) } };
  }
}

/**
 * A stage that throws is a failed outcome, judged by what it threw: an
 * AppError by its catalogue code; anything else by what it is (a command
 * that failed or timed out, CloudStack that did not answer or refused, a
 * network error). Only a bug lands on `internal`, which is never retried.
 */
export function toFailure(err: unknown): StageFailure {
  if (err instanceof AppError) return stageFailure(err.code, err.message);
  // a command cut off by its connection (the errno kept as its cause) may work next time
  if (err instanceof ExecError && networkErrno(err.cause)) return stageFailure('network_error', errorMessage(err));
  if (err instanceof ExecError) return stageFailure(err.timedOut ? 'command_timeout' : 'command_failed', err.message);
  // the guest's own tree refused (guest-root.ts): retrying reads the same tree
  if (err instanceof GuestPathError) return stageFailure('guest_path', err.message);
  if (err instanceof CloudStackTransportError) return stageFailure('cloudstack_unavailable', err.message);
  if (err instanceof CloudStackJobTimeoutError) return stageFailure('cloudstack_unavailable', err.message);
  if (err instanceof CloudStackError) return stageFailure('cloudstack_error', err.message);
  if (networkErrno(err)) return stageFailure('network_error', errorMessage(err));
  // a query cut off by a PostgreSQL restart or outage is no bug of the stage
  if (isDatabaseUnavailable(err)) return stageFailure('database_unavailable', errorMessage(err));
  return stageFailure('internal', errorMessage(err));
}

/** The network errno of an error or of one of its causes, if it has one. */
function networkErrno(err: unknown): string | null {
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_ERRORS.includes(code)) return code;
  }
  return null;
}

const NETWORK_ERRORS = ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN'];

function describe(stage: Stage, outcome: StageOutcome, message?: string): string {
  if (outcome.kind === 'succeeded') return `${stage} succeeded${message ? `: ${message}` : ''}`;
  if (outcome.kind === 'wait') return `${stage}: ${outcome.message} (until ${outcome.until.toISOString()})`;
  return `${stage} failed: ${outcome.failure.message}`;
}

/** Progress is written with the heartbeat, at most once per beat. */
class ProgressBuffer {
  #latest: StageProgress | null = null;

  put(u: ProgressUpdate): void {
    this.#latest = {
      ...this.#latest,
      ...(u.percent !== undefined && { percent: Math.max(0, Math.min(100, u.percent)) }),
      ...(u.bytesDone !== undefined && { bytesDone: u.bytesDone }),
      ...(u.bytesTotal !== undefined && { bytesTotal: u.bytesTotal }),
      ...(u.filesDone !== undefined && { filesDone: u.filesDone }),
      ...(u.filesTotal !== undefined && { filesTotal: u.filesTotal }),
      ...(u.message !== undefined && { message: u.message }),
    };
  }

  take(): StageProgress | undefined {
    const p = this.#latest ?? undefined;
    this.#latest = null;
    return p;
  }
}
