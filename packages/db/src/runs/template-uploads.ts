// TemplateUpload rows: one per registration attempt of a run's image, with
// CloudStack's own status text, so the run page shows every attempt and a
// resumed register_template continues the attempt in flight.
import { type Db, prismaOf } from '../client';

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
    activeDownloads: () => client.templateUpload.count({ where: { state: { in: ['registering', 'downloading'] } } }),
  };
}
