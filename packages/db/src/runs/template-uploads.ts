// TemplateUpload rows: one per registration attempt of a run's image, with
// CloudStack's own status text, so the run page shows every attempt and a
// resumed register_template continues the attempt in flight.
//
// The secondary storage download slots are leases apart from these rows
// (TemplateDownloadSlot): an upload row a rollback, cancel or crash left
// `downloading` used to hold a slot for ever.
import type { Prisma } from '../generated/client';
import { type Db, prismaOf, type Tx } from '../client';

type UploadState = 'registering' | 'downloading' | 'ready' | 'failed' | 'deleted';

const row = {
  id: true,
  attempt: true,
  cloudstackTemplateId: true,
  state: true,
  csStatus: true,
  checksum: true,
} as const;

export function templateUploadsRepo(db: Db) {
  const client = prismaOf(db);
  return {
    list: (runId: string) =>
      client.templateUpload.findMany({ where: { runId }, orderBy: { attempt: 'asc' }, select: row }),
    create: (runId: string, r: { attempt: number; name: string; url: string; checksum: string; sizeBytes: bigint }) =>
      client.templateUpload.upsert({
        where: { runId_attempt: { runId, attempt: r.attempt } },
        create: { runId, ...r, state: 'registering' },
        update: {},
        select: row,
      }),
    async update(
      id: string,
      patch: Partial<{
        cloudstackTemplateId: string;
        state: UploadState;
        csStatus: string;
        downloadPercent: number;
        error: string | null;
      }>,
    ) {
      const now = new Date();
      await client.templateUpload.update({
        where: { id },
        data: {
          ...patch,
          ...(patch.state === 'ready' ? { readyAt: now } : {}),
          ...(patch.state === 'deleted' ? { deletedAt: now } : {}),
        },
      });
    },
    acquireSlot: (runId: string, limit: number) => acquireDownloadSlot(db, runId, limit, new Date()),
    releaseSlot: (runId: string) => releaseDownloadSlot(client, runId),
  };
}

/** A slot lease lasts this long past its last renewal (acquire again) unless its run's stage holds a lease. */
export const DOWNLOAD_SLOT_LEASE_MS = 15 * 60_000;

/**
 * A lease counts while its run is running or waiting and either the lease or
 * the run's stage lease (renewed by the stage's heartbeat every 2 s) has not
 * run out: a run between stop_source and register_template keeps its slot
 * through a long final_sync, one whose worker died loses it.
 */
function liveSlot(now: Date): Prisma.TemplateDownloadSlotWhereInput {
  return {
    run: { status: { in: ['running', 'waiting'] } },
    OR: [{ expiresAt: { gt: now } }, { run: { leaseExpiresAt: { gt: now } } }],
  };
}

/**
 * Takes (or renews) a download slot for the run: true when the run holds one,
 * false when all `limit` are held by other runs. Serialised by an advisory
 * lock, so two boxes cannot both take the last slot; dead leases are deleted
 * first.
 */
export async function acquireDownloadSlot(
  db: Db,
  runId: string,
  limit: number,
  now: Date,
  leaseMs = DOWNLOAD_SLOT_LEASE_MS,
): Promise<boolean> {
  return prismaOf(db).$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('vzferry:template_download_slots'))`;
    await tx.templateDownloadSlot.deleteMany({ where: { NOT: liveSlot(now) } });
    const expiresAt = new Date(now.getTime() + leaseMs);
    const renewed = await tx.templateDownloadSlot.updateMany({ where: { runId }, data: { expiresAt } });
    if (renewed.count === 1) return true;
    if ((await tx.templateDownloadSlot.count()) >= limit) return false;
    await tx.templateDownloadSlot.create({ data: { runId, acquiredAt: now, expiresAt } });
    return true;
  });
}

/** The run's rollback, cancel or ready template gives its slot back. */
export async function releaseDownloadSlot(tx: Tx, runId: string): Promise<void> {
  await tx.templateDownloadSlot.deleteMany({ where: { runId } });
}

/** Slots held now, over all runs and boxes. */
export async function downloadSlotsHeld(db: Db, now: Date): Promise<number> {
  return prismaOf(db).templateDownloadSlot.count({ where: liveSlot(now) });
}
