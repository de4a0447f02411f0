// One container with everything its detail page shows: source host, customer,
// NICs and IPs, notes (newest first), and its migration runs (newest first)
// with their batch and the networks of their VM.
import { NotFoundError } from '@vzferry/core';
import { type Db, prismaOf } from '../client';
import { listContainerNotes } from '../support/notes';
import { RUN_FACTS_SELECT, toSupportRuns } from '../support/run-facts';

export async function getContainerDetail(db: Db, id: string) {
  const client = prismaOf(db);
  const ct = await client.container.findUnique({
    where: { id },
    include: {
      sourceHost: { select: { id: true, name: true, address: true, port: true } },
      customer: true,
      nics: { orderBy: { name: 'asc' } },
      ips: { orderBy: { position: 'asc' }, include: { nic: { select: { name: true } } } },
      runs: { orderBy: { createdAt: 'desc' }, take: 20, select: RUN_FACTS_SELECT },
    },
  });
  if (!ct) throw new NotFoundError('container', id);
  return {
    ...ct,
    diskQuotaKb: ct.diskQuotaKb?.toString() ?? null,
    diskUsedKb: ct.diskUsedKb?.toString() ?? null,
    inodesUsed: ct.inodesUsed?.toString() ?? null,
    inodesLimit: ct.inodesLimit?.toString() ?? null,
    runs: await toSupportRuns(client, ct.runs),
    notes: await listContainerNotes(db, id, 100),
  };
}

export type ContainerDetail = Awaited<ReturnType<typeof getContainerDetail>>;
