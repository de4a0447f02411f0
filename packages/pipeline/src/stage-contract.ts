// The contract between the engine and a stage (STYLE.md: "a stage is a
// function of a context (run id, inputs, log, progress, abort signal) and an
// executor; it returns a result and never imports Prisma, ssh2 or BullMQ").
import type { Stage } from '@vzferry/core';
import { z } from 'zod';
import type { StageOutcome } from './outcome';

export interface RunSnapshot {
  runId: string;
  batch: { id: string; name: string; catchUpSyncs: number; bandwidthLimitKbps: number | null; status: string };
  container: {
    id: string;
    sourceCtid: number;
    hostname: string | null;
    ostemplate: string | null;
    layout: string | null;
    privatePath: string | null;
    rootPath: string | null;
    diskQuotaKb: bigint | null;
    diskUsedKb: bigint | null;
    inodesUsed: bigint | null;
    ramMb: number | null;
    cpus: number | null;
    nameservers: string[];
    searchDomains: string[];
    downtimeWindow: string | null;
    ips: Array<{ address: string; family: number; prefix: number | null }>;
    nics: Array<{ name: string; mac: string | null; vlan: number | null }>;
    customer: { name: string; email: string; timezone: string } | null;
  };
  sourceHost: {
    id: string;
    name: string;
    address: string;
    port: number;
    username: string;
    hostKeyFingerprint: string | null;
    hostKeyAlgorithm: string | null;
    hostPublicKey: string | null;
    bandwidthLimitKbps: number | null;
  };
  box: { id: string; name: string; workDir: string; templateServerUrl: string | null };
  state: RunState;
}

/** What stages learn and hand to later stages; persisted on MigrationRun. */
export const runStateSchema = z.object({
  preflightOk: z.boolean().nullable(),
  preflightReport: z.unknown().nullable(),
  plannedWindowStart: z.date().nullable(),
  plannedWindowEnd: z.date().nullable(),
  downtimeStartedAt: z.date().nullable(),
  downtimeEndedAt: z.date().nullable(),
  workDir: z.string().nullable(),
  diskImagePath: z.string().nullable(),
  imagePath: z.string().nullable(),
  imageSha256: z.string().nullable(),
  imageBytes: z.bigint().nullable(),
  workDiskUsedBytes: z.bigint().nullable(),
  detectedOs: z.unknown().nullable(),
  conversionPlan: z.unknown().nullable(),
  cloudstackVmId: z.string().nullable(),
  cloudstackVmName: z.string().nullable(),
  /** sha256 of the boot ISO's one-time callback token (grub-legacy guests) */
  bootTokenSha256: z.string().nullable(),
  /** fingerprint of the initramfs inputs when it was built before the downtime (initial_sync) */
  initramfsInputs: z.string().nullable(),
});
export type RunState = z.infer<typeof runStateSchema>;
export const runStatePatchSchema = runStateSchema.partial().strict();
export type RunStatePatch = z.infer<typeof runStatePatchSchema>;

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

/** Turns anything thrown inside a stage into a failure the engine can judge. */
export class StageError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
    opts?: { cause?: unknown },
  ) {
    super(message, opts);
    this.name = 'StageError';
  }
}

export function succeeded(patch?: RunStatePatch, extra: Omit<StageReturn, 'outcome' | 'patch'> = {}): StageReturn {
  return { outcome: { kind: 'succeeded' }, ...(patch && { patch }), ...extra };
}
