// The containers page's query: server-side filters (host, status, OS
// template, customer, migration state) and one search box. A bare number is
// a CTID (or the first part of an IP); anything else matches hostname,
// customer name or e-mail by substring and IPs by prefix. One page of rows
// plus the total, in two statements; the indexes on hostname, status,
// ostemplate, customerId and ContainerIp.address carry it.
import { parseInput, safeText } from '@vzferry/core';
import { z } from 'zod';
import { type Db, prismaOf } from '../client';
import type { Prisma } from '../generated/client';

const CONTAINER_STATUSES = ['running', 'stopped', 'mounted', 'suspended', 'unknown'] as const;
const MIGRATION_STATES = ['not_started', 'queued', 'migrating', 'migrated', 'failed', 'cancelled'] as const;

const optionalText = z.preprocess(
  (v) => (v === '' || v === null ? undefined : v),
  safeText('the search contains a NUL byte; remove it').max(200).optional(),
);

export const containerQuerySchema = z.object({
  q: optionalText,
  hostId: z.preprocess((v) => (v === '' ? undefined : v), z.uuid().optional()),
  status: z.preprocess((v) => (v === '' ? undefined : v), z.enum(CONTAINER_STATUSES).optional()),
  os: optionalText,
  customerId: z.preprocess((v) => (v === '' ? undefined : v), z.union([z.uuid(), z.literal('none')]).optional()),
  migrationState: z.preprocess((v) => (v === '' ? undefined : v), z.enum(MIGRATION_STATES).optional()),
  includeVanished: z.preprocess((v) => v === 'true' || v === true, z.boolean()).default(false),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

export type ContainerQuery = z.infer<typeof containerQuerySchema>;

/** The containers page's filter as a batch is made from it: a parameter it does not know is refused, not ignored. */
export const containerFilterSchema = containerQuerySchema.strict();
export type ContainerFilter = z.input<typeof containerFilterSchema>;

export async function listContainers(db: Db, query: ContainerQuery) {
  const client = prismaOf(db);
  const where = containerWhere(query);
  const [total, rows] = await Promise.all([
    client.container.count({ where }),
    client.container.findMany({
      where,
      orderBy: [{ sourceHost: { name: 'asc' } }, { sourceCtid: 'asc' }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
      select: {
        id: true,
        sourceCtid: true,
        hostname: true,
        status: true,
        ostemplate: true,
        diskQuotaKb: true,
        ramMb: true,
        migrationState: true,
        vanishedAt: true,
        sourceHost: { select: { id: true, name: true } },
        customer: { select: { id: true, name: true, email: true } },
        ips: { select: { address: true }, orderBy: { position: 'asc' } },
      },
    }),
  ]);
  return {
    total,
    page: query.page,
    pageSize: query.pageSize,
    rows: rows.map((r) => ({
      id: r.id,
      sourceCtid: r.sourceCtid,
      hostname: r.hostname,
      status: r.status,
      ostemplate: r.ostemplate,
      // bigint does not survive JSON
      diskQuotaKb: r.diskQuotaKb === null ? null : r.diskQuotaKb.toString(),
      ramMb: r.ramMb,
      migrationState: r.migrationState,
      vanished: r.vanishedAt !== null,
      host: r.sourceHost,
      customer: r.customer,
      ips: r.ips.map((i) => i.address),
    })),
  };
}

function containerWhere(query: ContainerQuery): Prisma.ContainerWhereInput {
  const and: Prisma.ContainerWhereInput[] = [];
  if (!query.includeVanished) and.push({ vanishedAt: null });
  if (query.hostId) and.push({ sourceHostId: query.hostId });
  if (query.status) and.push({ status: query.status });
  if (query.os) and.push({ ostemplate: query.os });
  if (query.customerId) and.push({ customerId: query.customerId === 'none' ? null : query.customerId });
  if (query.migrationState) and.push({ migrationState: query.migrationState });
  if (query.q) and.push(searchWhere(query.q.trim()));
  return { AND: and };
}

/**
 * The ids of every container the containers page's filter (its URL
 * parameters) matches, in CTID order, at most `limit` of them; `overLimit`
 * says the filter matches more.
 */
export async function containerIdsMatching(
  db: Db,
  filter: ContainerFilter,
  limit: number,
): Promise<{ ids: string[]; overLimit: boolean }> {
  const client = prismaOf(db);
  const where = containerWhere(parseInput(containerQuerySchema, { ...filter, page: 1, pageSize: 1 }));
  const rows = await client.container.findMany({
    where,
    select: { id: true },
    take: limit + 1,
    orderBy: { sourceCtid: 'asc' },
  });
  return { ids: rows.slice(0, limit).map((r) => r.id), overLimit: rows.length > limit };
}

function searchWhere(q: string): Prisma.ContainerWhereInput {
  // a bare number is a CTID: "101" must not list ct1010..ct1019 as well
  if (/^\d{1,10}$/.test(q))
    return {
      OR: [
        { sourceCtid: Number(q) <= 2147483647 ? Number(q) : -1 },
        { ips: { some: { address: { startsWith: `${q}.` } } } },
      ],
    };
  const contains = { contains: q, mode: 'insensitive' as const };
  const or: Prisma.ContainerWhereInput[] = [
    { hostname: contains },
    { customer: { name: contains } },
    { customer: { email: contains } },
    // IPs: a prefix ("10.0.2.") or a whole address; substrings of the middle are noise
    { ips: { some: { address: { startsWith: q.toLowerCase() } } } },
  ];
  return { OR: or };
}

/** The values the filter drop-downs offer. */
export async function containerFacets(db: Db) {
  const client = prismaOf(db);
  const [hosts, os, customers] = await Promise.all([
    client.sourceHost.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } }),
    client.container.groupBy({
      by: ['ostemplate'],
      where: { vanishedAt: null },
      _count: true,
      orderBy: { ostemplate: 'asc' },
    }),
    client.customer.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } }),
  ]);
  return {
    hosts,
    osTemplates: os.filter((o) => o.ostemplate !== null).map((o) => ({ value: o.ostemplate!, count: o._count })),
    customers,
    statuses: [...CONTAINER_STATUSES],
    migrationStates: [...MIGRATION_STATES],
  };
}
