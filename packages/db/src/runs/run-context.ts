// Everything a stage needs to know about its run, loaded in one query.
import type { RunSnapshot, RunStatePatch } from '@vzferry/core';
import { type Db, prismaOf } from '../client';
import { Prisma } from '../generated/client';

export const runContextInclude = {
  batch: true,
  converterBox: true,
  container: {
    include: {
      ips: { orderBy: { position: 'asc' as const } },
      nics: true,
      customer: true,
      sourceHost: true,
    },
  },
} as const;

export async function loadRunContext(db: Db, runId: string) {
  const client = prismaOf(db);
  return client.migrationRun.findUniqueOrThrow({ where: { id: runId }, include: runContextInclude });
}

export type RunContextRow = Awaited<ReturnType<typeof loadRunContext>>;

/**
 * The run as a stage sees it (packages/pipeline's RunSnapshot: no Prisma
 * types), on its converter box, or on `onBox` (a dry run of preflight, before
 * the run has a box).
 */
export function toRunSnapshot(row: RunContextRow, onBox?: RunContextRow['converterBox']): RunSnapshot {
  const c = row.container;
  const h = c.sourceHost;
  const box = onBox ?? row.converterBox;
  if (!box) throw new Error(`run ${row.id} has no converter box`);
  return {
    runId: row.id,
    batch: {
      id: row.batch.id,
      name: row.batch.name,
      catchUpSyncs: row.batch.catchUpSyncs,
      bandwidthLimitKbps: row.batch.bandwidthLimitKbps,
      status: row.batch.status,
    },
    container: {
      id: c.id,
      sourceCtid: c.sourceCtid,
      hostname: c.hostname,
      ostemplate: c.ostemplate,
      layout: c.layout,
      privatePath: c.privatePath,
      rootPath: c.rootPath,
      diskQuotaKb: c.diskQuotaKb,
      diskUsedKb: c.diskUsedKb,
      inodesUsed: c.inodesUsed,
      ramMb: c.ramMb,
      cpus: c.cpus,
      nameservers: c.nameservers,
      searchDomains: c.searchDomains,
      downtimeWindow: c.downtimeWindow,
      ips: c.ips.map((ip) => ({ address: ip.address, family: ip.family, prefix: ip.prefix })),
      nics: c.nics.map((n) => ({ name: n.name, mac: n.mac, vlan: n.vlan })),
      customer: c.customer ? { name: c.customer.name, email: c.customer.email, timezone: c.customer.timezone } : null,
    },
    sourceHost: {
      id: h.id,
      name: h.name,
      address: h.address,
      port: h.port,
      username: h.username,
      hostKeyFingerprint: h.hostKeyFingerprint,
      hostKeyAlgorithm: h.hostKeyAlgorithm,
      hostPublicKey: h.hostPublicKey,
      bandwidthLimitKbps: h.bandwidthLimitKbps,
    },
    box: { id: box.id, name: box.name, workDir: box.workDir, templateServerUrl: box.templateServerUrl },
    state: {
      preflightOk: row.preflightOk,
      preflightReport: row.preflightReport,
      plannedWindowStart: row.plannedWindowStart,
      plannedWindowEnd: row.plannedWindowEnd,
      downtimeStartedAt: row.downtimeStartedAt,
      downtimeEndedAt: row.downtimeEndedAt,
      sourceWasRunning: row.sourceWasRunning,
      workDir: row.workDir,
      diskImagePath: row.diskImagePath,
      imagePath: row.imagePath,
      imageSha256: row.imageSha256,
      imageBytes: row.imageBytes,
      workDiskUsedBytes: row.workDiskUsedBytes,
      detectedOs: row.detectedOs,
      conversionPlan: row.conversionPlan,
      cloudstackVmId: row.cloudstackVmId,
      cloudstackVmName: row.cloudstackVmName,
      bootTokenSha256: row.bootTokenSha256,
      bootInputs: row.bootInputs,
      projectedDowntimeMs: row.projectedDowntimeMs,
      lastSyncEndedAt: row.lastSyncEndedAt,
      cutoverPath: row.cutoverPath,
    },
  };
}

/** A stage's RunStatePatch as a MigrationRun update (JSON columns need Prisma's JSON null). */
export function runPatchToUpdate(patch: RunStatePatch): Prisma.MigrationRunUpdateInput {
  const { preflightReport, detectedOs, conversionPlan, ...rest } = patch;
  const json = (v: unknown) => (v === null ? Prisma.JsonNull : (v as Prisma.InputJsonValue));
  return {
    ...rest,
    ...(preflightReport !== undefined && { preflightReport: json(preflightReport) }),
    ...(detectedOs !== undefined && { detectedOs: json(detectedOs) }),
    ...(conversionPlan !== undefined && { conversionPlan: json(conversionPlan) }),
  };
}

/**
 * stop_source writes the start of the downtime at once, not with the stage's
 * result: if the worker dies while the container stops, the rollback still
 * knows the customer is down, and whether the container ran before it.
 */
export async function recordDowntimeStarted(db: Db, runId: string, at: Date, sourceWasRunning: boolean): Promise<void> {
  await prismaOf(db).migrationRun.update({ where: { id: runId }, data: { downtimeStartedAt: at, sourceWasRunning } });
}
