// The run as a stage sees it: the container, its source host, the converter
// box, and what earlier stages learned (RunState, persisted on MigrationRun).
// packages/db builds it from one query (toRunSnapshot); no Prisma types.
import { z } from 'zod';
import { CUTOVER_PATHS } from '../stages';

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
  /** stop_source found the source running (null: not known, a run from before) */
  sourceWasRunning: z.boolean().nullable(),
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
  bootInputs: z.string().nullable(),
  /** await_cutover's projection of the cutover's downtime (the last catch-up sync and the rest) */
  projectedDowntimeMs: z.number().int().nonnegative().nullable(),
  /** when the box's copy last caught up with the running container (initial_sync, catch-up syncs) */
  lastSyncEndedAt: z.date().nullable(),
  /** the order of the run's stages, chosen by preflight (stages.ts) */
  cutoverPath: z.enum(CUTOVER_PATHS),
});
export type RunState = z.infer<typeof runStateSchema>;
export const runStatePatchSchema = runStateSchema.partial().strict();
export type RunStatePatch = z.infer<typeof runStatePatchSchema>;
