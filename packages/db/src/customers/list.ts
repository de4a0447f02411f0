import { type Db, prismaOf } from '../client';

/** Customers with how many containers each has, for the customers page. */
export async function listCustomers(db: Db, opts: { q?: string; take?: number } = {}) {
  const client = prismaOf(db);
  const q = opts.q?.trim();
  const rows = await client.customer.findMany({
    where: q
      ? { OR: [{ name: { contains: q, mode: 'insensitive' } }, { email: { contains: q, mode: 'insensitive' } }] }
      : {},
    orderBy: { name: 'asc' },
    take: opts.take ?? 200,
    select: { id: true, name: true, email: true, timezone: true, _count: { select: { containers: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    timezone: r.timezone,
    containers: r._count.containers,
  }));
}
