// What the real stages need from the world, as small interfaces. main.ts
// builds the real implementations (SSH sessions, the CloudStack client, the
// template server, PostgreSQL repositories); stages never import ssh2,
// Prisma or BullMQ.
import { AppError, type Executor, type PipelineSettings, type RunSnapshot } from '@vzferry/core';
import type { CloudStackClient } from '@vzferry/cloudstack';
import type { SourceAdapter } from '@vzferry/openvz';
import type { WorkDiskMount } from './box/appliance';
import type { GuestRunner } from './box/guest-job';
import type { MappedNetwork } from './nic-plan';

export interface SourceSession {
  adapter: SourceAdapter;
  /** commands on the hypervisor itself, outside any container (rsync --version) */
  host: Executor;
  /**
   * Runs `command` with rsync's -e value: OpenSSH with the pinned host key
   * and the host's key, which exists as a file only until `command` settles.
   */
  withRsyncShell<T>(command: (remoteShell: string) => Promise<T>): Promise<T>;
}

export interface CloudStackSession {
  client: CloudStackClient;
  zoneId: string;
}

export interface TargetMappings {
  networks: MappedNetwork[];
  offerings: Array<{
    maxRamMb: number;
    maxCpus: number;
    serviceOfferingId: string;
    serviceOfferingName: string | null;
  }>;
  osTypes: Array<{ distribution: string; version: string; osTypeId: string; legacyOsTypeId: string | null }>;
}

export interface TemplateUploadRow {
  id: string;
  attempt: number;
  cloudstackTemplateId: string | null;
  state: 'registering' | 'downloading' | 'ready' | 'failed' | 'deleted';
  csStatus: string | null;
  /** {SHA-256}<hex> of the image it was registered from */
  checksum: string | null;
}

/** The checksum CloudStack gets for the run's current image; an upload of another image is an earlier image's. */
export function imageChecksum(run: RunSnapshot): string {
  if (!run.state.imageSha256)
    throw new AppError('image_missing', `${containerLabel(run)}: convert_image left no image`);
  return `{SHA-256}${run.state.imageSha256}`;
}

/** TemplateUpload rows of a run (one per registration attempt). */
export interface TemplateUploads {
  list(runId: string): Promise<TemplateUploadRow[]>;
  create(
    runId: string,
    row: { attempt: number; name: string; url: string; checksum: string; sizeBytes: bigint },
  ): Promise<TemplateUploadRow>;
  update(
    id: string,
    patch: Partial<{
      cloudstackTemplateId: string;
      state: TemplateUploadRow['state'];
      csStatus: string;
      downloadPercent: number;
      error: string | null;
    }>,
  ): Promise<void>;
  /** takes or renews one of the `limit` secondary storage download slots (a lease); false: all are held */
  acquireSlot(runId: string, limit: number): Promise<boolean>;
  /** gives the run's slot back (its template is ready) */
  releaseSlot(runId: string): Promise<void>;
}

export interface TemplateHosting {
  /** serve a file under an unguessable URL ending in <name>.qcow2 */
  publish(filePath: string, meta: { runId: string; name: string }): { url: string; token: string };
  unpublishRun(runId: string): void;
}

/** The ISO that makes grub-legacy guests bootable, as this box serves it (apps/worker/src/boot-iso). */
export interface BootIsoFile {
  /** vzferry-boot-<first 12 of its sha256>.iso: the same bytes get the same CloudStack ISO */
  name: string;
  url: string;
}

/** What the boot ISO reported (POST /boot-callback on the template server). */
export interface BootCallbacks {
  /** a new one-time token for the ISO to call back with (the run keeps only its hash; an earlier call back is forgotten) */
  issueToken(runId: string): Promise<string>;
  read(runId: string): Promise<{ calledBackAt: Date; exitStatus: number; log: string } | null>;
  clear(runId: string): Promise<void>;
}

/**
 * The box's delta server (apps/worker/src/delta-server): a staged VM's boot
 * ISO pulls the run's copy from it at the cutover, read-only, with a
 * credential of the run that dies when the run is withdrawn.
 */
export interface DeltaServing {
  /** the rsync URL and password the VM pulls with (derived from the box's key: the same after a restart) */
  credentials(runId: string): { url: string; password: string };
  serve(runId: string, root: string): Promise<void>;
  withdraw(runId: string): Promise<void>;
}

/** A catch-up sync as await_cutover records it (packages/db catch-up-syncs.ts). */
export interface CatchUpSyncRecord {
  startedAt: Date;
  durationMs: number;
  files: number;
  filesTransferred: number;
  bytesTransferred: bigint;
  bytesTotal: bigint;
}

export interface CatchUpSyncs {
  record(runId: string, sync: CatchUpSyncRecord): Promise<void>;
  last(runId: string): Promise<CatchUpSyncRecord | null>;
  /** a staged cutover's fixed cost as measured on this zone's staged cutovers; null before there are any */
  stagedCutoverCost(): Promise<{ fixedMs: number; runs: number } | null>;
}

export interface StageDeps {
  /** commands on this converter box */
  local: Executor;
  source(run: RunSnapshot): Promise<SourceSession>;
  cloudstack(): Promise<CloudStackSession>;
  settings(): Promise<PipelineSettings>;
  mappings(): Promise<TargetMappings>;
  freeDiskBytes(dir: string): Promise<bigint>;
  templates: TemplateUploads;
  templateServer: TemplateHosting;
  /**
   * Written at once, not at the end of the stage: if the worker dies while
   * the container is stopping, the rollback still knows the downtime began.
   */
  recordDowntimeStarted(runId: string, at: Date, sourceWasRunning: boolean): Promise<void>;
  /** null when this box has no boot ISO (preflight says how to build one) */
  bootIso(): Promise<BootIsoFile | null>;
  bootCallbacks: BootCallbacks;
  catchUpSyncs: CatchUpSyncs;
  /** null when this box runs no delta server (DELTA_SERVER_PORT unset): its runs go classic */
  deltaServer: DeltaServing | null;
  /** where the guest's own binaries run for a work disk: never this box (box/guest-job.ts) */
  guestRunner(work: WorkDiskMount): GuestRunner;
  /** null when guestRunner can run jobs on this box; otherwise what is missing and how to add it */
  guestRunnerProblem(): string | null;
}

/** The VM's CloudStack name: unique per run and stable, so a repeated deploy finds it. */
export function vmName(run: { runId: string; container: { sourceCtid: number } }): string {
  return `vz${run.container.sourceCtid}-${run.runId.slice(0, 8)}`;
}

export function containerLabel(run: RunSnapshot): string {
  return `container ${run.container.sourceCtid} on ${run.sourceHost.name}`;
}
