// The contract between the engine and a stage: a stage is a function of a
// context (the run, its attempt, log, progress, an abort signal) and its
// deps (stage-deps.ts: the box's executor, the source host, CloudStack, the
// settings); it returns an outcome and what it learned, and it never imports
// Prisma, ssh2 or BullMQ. It throws an AppError with a catalogue code when it
// fails; the engine reads from the code whether a retry may help.
import {
  stageFailure,
  type ErrorCode,
  type RunSnapshot,
  type RunStatePatch,
  type Stage,
  type StageOutcome,
} from '@vzferry/core';

export interface ProgressUpdate {
  percent?: number;
  bytesDone?: bigint;
  bytesTotal?: bigint;
  filesDone?: number;
  filesTotal?: number;
  message?: string;
}

export interface StageContext {
  run: RunSnapshot;
  stage: Stage;
  attempt: number;
  /** a worker started this attempt before and stopped heartbeating */
  resumed: boolean;
  /** aborted when the run is cancelled or the lease is lost */
  signal: AbortSignal;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>): void;
  /** a command about to run (argv), for the run's log */
  command(argv: readonly string[], where: string): void;
  /** output of the running command, as it arrives */
  output(stream: 'stdout' | 'stderr', chunk: string): void;
  progress(update: ProgressUpdate): void;
  now(): Date;
}

export interface StageReturn {
  outcome: StageOutcome;
  patch?: RunStatePatch;
  /** small JSON kept on the stage run (e.g. check results, byte counts) */
  result?: unknown;
  message?: string;
}

export type StageFn<D> = (ctx: StageContext, deps: D) => Promise<StageReturn>;
export type StageRegistry<D> = Record<Stage, StageFn<D>>;

/** A stage that ends in a failure without throwing (preflight: its findings are kept on the run too). */
export function failed(code: ErrorCode, message: string, patch?: RunStatePatch): StageReturn {
  return { outcome: { kind: 'failed', failure: stageFailure(code, message) }, ...(patch && { patch }) };
}

export function succeeded(patch?: RunStatePatch, extra: Omit<StageReturn, 'outcome' | 'patch'> = {}): StageReturn {
  return { outcome: { kind: 'succeeded' }, ...(patch && { patch }), ...extra };
}
