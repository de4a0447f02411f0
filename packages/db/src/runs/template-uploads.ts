// TemplateUpload rows: one per registration attempt of a run's image, with
// CloudStack's own status text, so the run page shows every attempt and a
// resumed register_template continues the attempt in flight.
import type { Db } from '../client';

type UploadState = 'registering' | 'downloading' | 'ready' | 'failed' | 'deleted';

const row = { id: true, attempt: true, cloudstackTemplateId: true, state: true, csStatus: true, checksum: true } as const;

export function templateUploadsRepo(db: Db) {
  return {
    list: (runId: string) => db.templateUpload.findMany({ where: { runId }, orderBy: { attempt: 'asc' }, select: row }),
    create: (runId: string, r: { attempt: number; name: string; url: string; checksum: string; sizeBytes: bigint }) =>
      db.templateUpload.upsert({
        where: { runId_attempt: { runId, attempt: r.attempt } },
        create: { runId, ...r, state: 'registering' },
        update: {},
        select: row,
      }),
    async update(id: string, patch: Partial<{ cloudstackTemplateId: string; state: UploadState; csStatus: string; downloadPercent: number; error: string | null }>) {
      const now = new Date();
      await db.templateUpload.update({
        where: { id },
        data: { ...patch, ...(patch.state === 'ready' ? { readyAt: now } : {}), ...(patch.state === 'deleted' ? { deletedAt: now } : {}) },
      });
    },
    activeDownloads: () => db.templateUpload.count({ where: { state: { in: ['registering', 'downloading'] } } }),
  };
}
