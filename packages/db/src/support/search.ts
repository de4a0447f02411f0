// Support's one search box: a customer's name or e-mail, a container's
// CTID, hostname or IP, tolerant of a typo. Exact matches come first (an IP,
// a CTID, an e-mail, a whole name or hostname), then text that contains the
// search, then names and hostnames that are only similar (pg_trgm's word
// similarity, carried by the trigram indexes). A customer also matches
// through a container of theirs, so an IP finds its owner.
import { parseInput, safeText } from '@vzferry/core';
import { type Db, prismaOf } from '../client';
import { Prisma } from '../generated/client';

export const SEARCH_MAX_CHARS = 200;

export const searchTextSchema = safeText('the search contains a NUL byte; remove it')
  .refine((s) => s.length <= SEARCH_MAX_CHARS, `the search is longer than ${SEARCH_MAX_CHARS} characters; shorten it`)
  .transform((s) => s.trim());

// word similarity of the search to some word of a name or hostname: "globx"
// against "Globex Hosting" is 0.67, a one-letter slip in a short word ~0.5
const SIMILARITY_THRESHOLD = 0.5;
const CUSTOMER_LIMIT = 20;
const CONTAINER_LIMIT = 50;
// rows each query may return before merging: enough that no exact match is cut off
const CANDIDATES = 200;
const RANK_SQL = Prisma.sql`(CASE WHEN m."how" LIKE 'exact:%' THEN 0 WHEN m."how" LIKE 'partial:%' THEN 1 ELSE 2 END)`;

export type MatchQuality = 'exact' | 'partial' | 'similar';
export type MatchField = 'name' | 'email' | 'ip' | 'ctid' | 'hostname';

export interface SearchMatch {
  quality: MatchQuality;
  field: MatchField;
}

const QUALITY_ORDER: Record<MatchQuality, number> = { exact: 0, partial: 1, similar: 2 };

interface CustomerRow {
  id: string;
  name: string;
  email: string;
  timezone: string;
  how: string;
  score: number;
}

interface ContainerRow {
  id: string;
  sourceCtid: number;
  hostname: string | null;
  hostName: string;
  migrationState: string;
  ips: string[];
  customerId: string | null;
  customerName: string | null;
  customerEmail: string | null;
  customerTimezone: string | null;
  how: string;
  score: number;
}

export async function searchDirectory(db: Db, text: string) {
  const q = parseInput(searchTextSchema, text);
  if (!q) return { query: q, customers: [], containers: [] };
  const client = prismaOf(db);
  const like = `%${escapeLike(q)}%`;
  const ctid = /^\d{1,9}$/.test(q) ? Number(q) : null;
  // an IP's first part ("10.20.0.", "2001:db8:") finds the addresses it starts
  const ipPrefix = /^[0-9a-f]*[.:][0-9a-f.:]*$/i.test(q) ? `${escapeLike(q.toLowerCase())}%` : null;
  const [, customerRows, containerRows] = await client.$transaction([
    client.$executeRaw`SELECT set_config('pg_trgm.word_similarity_threshold', ${String(SIMILARITY_THRESHOLD)}, true)`,
    client.$queryRaw<CustomerRow[]>`
      SELECT * FROM (
      SELECT c."id", c."name", c."email", c."timezone",
        CASE
          WHEN lower(c."email") = lower(${q}) THEN 'exact:email'
          WHEN lower(c."name") = lower(${q}) THEN 'exact:name'
          WHEN c."email" ILIKE ${like} THEN 'partial:email'
          WHEN c."name" ILIKE ${like} THEN 'partial:name'
          WHEN word_similarity(${q}, c."name") >= word_similarity(${q}, c."email") THEN 'similar:name'
          ELSE 'similar:email'
        END AS "how",
        GREATEST(word_similarity(${q}, c."name"), word_similarity(${q}, c."email"))::float8 AS "score"
      FROM "Customer" c
      WHERE c."email" ILIKE ${like} OR c."name" ILIKE ${like} OR ${q} <% c."name" OR ${q} <% c."email"
      ) m
      ORDER BY ${RANK_SQL}, m."score" DESC, m."name"
      LIMIT ${CANDIDATES}`,
    client.$queryRaw<ContainerRow[]>`
      SELECT * FROM (
      SELECT ct."id", ct."sourceCtid", ct."hostname", h."name" AS "hostName", ct."migrationState"::text AS "migrationState",
        ARRAY(SELECT a."address" FROM "ContainerIp" a WHERE a."containerId" = ct."id" ORDER BY a."position") AS "ips",
        cu."id" AS "customerId", cu."name" AS "customerName", cu."email" AS "customerEmail",
        cu."timezone" AS "customerTimezone",
        CASE
          WHEN EXISTS (SELECT 1 FROM "ContainerIp" a WHERE a."containerId" = ct."id" AND lower(a."address") = lower(${q}))
            THEN 'exact:ip'
          WHEN ct."sourceCtid" = ${ctid}::int THEN 'exact:ctid'
          WHEN lower(ct."hostname") = lower(${q}) THEN 'exact:hostname'
          WHEN EXISTS (SELECT 1 FROM "ContainerIp" a WHERE a."containerId" = ct."id" AND lower(a."address") LIKE ${ipPrefix}::text)
            THEN 'partial:ip'
          WHEN ct."hostname" ILIKE ${like} THEN 'partial:hostname'
          ELSE 'similar:hostname'
        END AS "how",
        COALESCE(word_similarity(${q}, ct."hostname"), 0)::float8 AS "score"
      FROM "Container" ct
      JOIN "SourceHost" h ON h."id" = ct."sourceHostId"
      LEFT JOIN "Customer" cu ON cu."id" = ct."customerId"
      WHERE ct."sourceCtid" = ${ctid}::int
        OR ct."hostname" ILIKE ${like}
        OR ${q} <% ct."hostname"
        OR ct."id" IN (
          SELECT a."containerId" FROM "ContainerIp" a
          WHERE a."address" = ${q} OR lower(a."address") = lower(${q}) OR lower(a."address") LIKE ${ipPrefix}::text
        )
      ) m
      ORDER BY ${RANK_SQL}, m."score" DESC, m."sourceCtid"
      LIMIT ${CANDIDATES}`,
  ]);
  const customers = rankCustomers(customerRows, containerRows).slice(0, CUSTOMER_LIMIT);
  const counts = await client.container.groupBy({
    by: ['customerId'],
    where: { customerId: { in: customers.map((c) => c.id) } },
    _count: true,
  });
  return {
    query: q,
    customers: customers.map(({ score: _score, ...c }) => ({
      ...c,
      containers: counts.find((n) => n.customerId === c.id)?._count ?? 0,
    })),
    containers: containerRows.slice(0, CONTAINER_LIMIT).map((r) => ({
      id: r.id,
      sourceCtid: r.sourceCtid,
      hostname: r.hostname,
      hostName: r.hostName,
      migrationState: r.migrationState,
      ips: r.ips,
      customer: r.customerId ? { id: r.customerId, name: r.customerName ?? '' } : null,
      match: matchOf(r.how),
    })),
  };
}

export type SearchResult = Awaited<ReturnType<typeof searchDirectory>>;

interface RankedCustomer {
  id: string;
  name: string;
  email: string;
  timezone: string;
  /** how it matched; `container` when it matched through one of its containers */
  match: SearchMatch & { container: { id: string; sourceCtid: number; hostname: string | null } | null };
  score: number;
}

/** The customers that matched themselves or through a container, each once with its best match, best first. */
function rankCustomers(own: CustomerRow[], containers: ContainerRow[]): RankedCustomer[] {
  const best = new Map<string, RankedCustomer>();
  const offer = (c: RankedCustomer) => {
    const held = best.get(c.id);
    if (!held || compare(c, held) < 0) best.set(c.id, c);
  };
  for (const r of own)
    offer({
      id: r.id,
      name: r.name,
      email: r.email,
      timezone: r.timezone,
      match: { ...matchOf(r.how), container: null },
      score: r.score,
    });
  for (const r of containers) {
    if (!r.customerId) continue;
    offer({
      id: r.customerId,
      name: r.customerName ?? '',
      email: r.customerEmail ?? '',
      timezone: r.customerTimezone ?? 'UTC',
      match: { ...matchOf(r.how), container: { id: r.id, sourceCtid: r.sourceCtid, hostname: r.hostname } },
      score: r.score,
    });
  }
  return [...best.values()].sort((a, b) => compare(a, b) || a.name.localeCompare(b.name));
}

function compare(a: RankedCustomer, b: RankedCustomer): number {
  return QUALITY_ORDER[a.match.quality] - QUALITY_ORDER[b.match.quality] || b.score - a.score;
}

function matchOf(how: string): SearchMatch {
  const [quality, field] = how.split(':') as [MatchQuality, MatchField];
  return { quality, field };
}

/** LIKE's wildcards and its escape character, taken literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
