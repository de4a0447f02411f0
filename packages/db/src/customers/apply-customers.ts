// Applies a validated customer CSV (packages/core parseCustomerCsv) in ONE
// transaction: every row must name exactly one known container, else the
// file changes nothing and each bad row is reported with its line. Customers
// are keyed by e-mail (created or renamed); each named container gets its
// customer and preferred downtime window.
import { type CustomerRow, type RowError } from '@vzferry/core';
import { type Db, prismaOf } from '../client';

interface KnownContainer {
  id: string;
  sourceCtid: number;
  hostname: string | null;
  hostName: string;
}

export type CustomerImportResult =
  | { ok: true; customersCreated: number; customersUpdated: number; containersAssigned: number }
  | { ok: false; errors: RowError[] };

export async function applyCustomerRows(db: Db, rows: CustomerRow[]): Promise<CustomerImportResult> {
  const client = prismaOf(db);
  const known = await loadContainers(db);
  const { matches, errors } = matchRows(rows, known);
  if (errors.length > 0) return { ok: false, errors };

  return client.$transaction(
    async (tx) => {
      const emails = [...new Set(rows.map((r) => r.email))];
      const existing = new Set(
        (await tx.customer.findMany({ where: { email: { in: emails } }, select: { email: true } })).map((c) => c.email),
      );
      const idByEmail = new Map<string, string>();
      for (const row of rows) {
        if (idByEmail.has(row.email)) continue;
        const c = await tx.customer.upsert({
          where: { email: row.email },
          create: { email: row.email, name: row.customer, timezone: row.timezone },
          update: { name: row.customer, timezone: row.timezone },
          select: { id: true },
        });
        idByEmail.set(row.email, c.id);
      }
      for (const [i, row] of rows.entries()) {
        await tx.container.update({
          where: { id: matches[i]!.id },
          data: { customerId: idByEmail.get(row.email)!, downtimeWindow: row.downtime_window ?? null },
        });
      }
      const result = {
        customersCreated: emails.length - existing.size,
        customersUpdated: existing.size,
        containersAssigned: rows.length,
      };
      return { ok: true as const, ...result };
    },
    { timeout: 120_000 },
  );
}

async function loadContainers(db: Db): Promise<KnownContainer[]> {
  const client = prismaOf(db);
  const rows = await client.container.findMany({
    where: { vanishedAt: null },
    select: { id: true, sourceCtid: true, hostname: true, sourceHost: { select: { name: true } } },
  });
  return rows.map((r) => ({ id: r.id, sourceCtid: r.sourceCtid, hostname: r.hostname, hostName: r.sourceHost.name }));
}

/** Finds each row's container; a row that names none, several, or one already named is an error. */
export function matchRows(
  rows: CustomerRow[],
  known: KnownContainer[],
): { matches: KnownContainer[]; errors: RowError[] } {
  const byCtid = groupBy(known, (c) => String(c.sourceCtid));
  const byHostname = groupBy(known, (c) => c.hostname?.toLowerCase() ?? '');
  const matches: KnownContainer[] = [];
  const errors: RowError[] = [];
  const claimedBy = new Map<string, number>();
  for (const row of rows) {
    const found = candidates(row, byCtid, byHostname);
    if (typeof found === 'string') {
      errors.push({ line: row.line, reason: found });
      continue;
    }
    const earlier = claimedBy.get(found.id);
    if (earlier !== undefined) errors.push({ line: row.line, reason: `names the same container as line ${earlier}` });
    claimedBy.set(found.id, row.line);
    matches.push(found);
  }
  return { matches, errors };
}

function candidates(
  row: CustomerRow,
  byCtid: Map<string, KnownContainer[]>,
  byHostname: Map<string, KnownContainer[]>,
): KnownContainer | string {
  const what = row.ctid !== undefined ? `CTID ${row.ctid}` : `hostname ${row.hostname}`;
  let list =
    row.ctid !== undefined ? (byCtid.get(String(row.ctid)) ?? []) : (byHostname.get(row.hostname!.toLowerCase()) ?? []);
  if (row.ctid !== undefined && row.hostname !== undefined)
    list = list.filter((c) => c.hostname?.toLowerCase() === row.hostname!.toLowerCase());
  if (row.host !== undefined) list = list.filter((c) => c.hostName === row.host);
  if (list.length === 0)
    return `no container with ${what}${row.host ? ` on host ${row.host}` : ''}${row.ctid !== undefined && row.hostname ? ` and hostname ${row.hostname}` : ''} in the inventory`;
  if (list.length > 1)
    return `${what} is on several hosts (${list.map((c) => c.hostName).join(', ')}); add a host column`;
  return list[0]!;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
