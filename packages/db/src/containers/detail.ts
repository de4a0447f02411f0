// One container with everything its detail page shows: source host, customer,
// NICs and IPs, notes, and its migration runs (newest first).
import { NotFoundError } from '@vzferry/core';
import { type Db, prismaOf } from '../client';

export async function getContainerDetail(db: Db, id: string) {
  const client = prismaOf(db);
  const ct = await client.container.findUnique({
    where: { id },
    include: {
      sourceHost: { select: { id: true, name: true, address: true, port: true } },
      customer: true,
      nics: { orderBy: { name: 'asc' } },
      ips: { orderBy: { position: 'asc' }, include: { nic: { select: { name: true } } } },
      notes: { orderBy: { createdAt: 'desc' }, take: 100, include: { author: { select: { name: true } } } },
      runs: {
        orderBy: { createdAt: 'desc' },
        take: 20,
        select: { id: true, status: true, currentStage: true, createdAt: true, finishedAt: true },
      },
    },
  });
  if (!ct) throw new NotFoundError('container', id);
  return {
    ...ct,
    diskQuotaKb: ct.diskQuotaKb?.toString() ?? null,
    diskUsedKb: ct.diskUsedKb?.toString() ?? null,
    inodesUsed: ct.inodesUsed?.toString() ?? null,
    inodesLimit: ct.inodesLimit?.toString() ?? null,
  };
}

export type ContainerDetail = Awaited<ReturnType<typeof getContainerDetail>>;
