// One customer as support looks them up: every container with its IPs, what
// the last import saw of it and its runs (newest first), and the notes
// about the customer and its containers.
import { NotFoundError } from '@vzferry/core';
import { type Db, prismaOf } from '../client';
import { listCustomerNotes } from './notes';
import { RUN_FACTS_SELECT, toSupportRuns } from './run-facts';

const RUNS_PER_CONTAINER = 20;

export async function getCustomerView(db: Db, id: string) {
  const client = prismaOf(db);
  const customer = await client.customer.findUnique({
    where: { id },
    select: {
      id: true,
      name: true,
      email: true,
      timezone: true,
      containers: {
        orderBy: [{ sourceHost: { name: 'asc' } }, { sourceCtid: 'asc' }],
        select: {
          id: true,
          sourceCtid: true,
          hostname: true,
          downtimeWindow: true,
          vanishedAt: true,
          status: true,
          onboot: true,
          lastSeenAt: true,
          sourceHost: { select: { name: true } },
          ips: { select: { address: true }, orderBy: { position: 'asc' } },
          runs: { orderBy: { createdAt: 'desc' }, take: RUNS_PER_CONTAINER, select: RUN_FACTS_SELECT },
        },
      },
    },
  });
  if (!customer) throw new NotFoundError('customer', id);
  const runs = await toSupportRuns(
    client,
    customer.containers.flatMap((c) => c.runs),
  );
  const runsById = new Map(runs.map((r) => [r.id, r]));
  return {
    id: customer.id,
    name: customer.name,
    email: customer.email,
    timezone: customer.timezone,
    containers: customer.containers.map(({ sourceHost, ips, runs: rows, ...c }) => ({
      ...c,
      hostName: sourceHost.name,
      ips: ips.map((ip) => ip.address),
      runs: rows.map((r) => runsById.get(r.id)!),
    })),
    notes: await listCustomerNotes(db, id),
  };
}

export type CustomerView = Awaited<ReturnType<typeof getCustomerView>>;
