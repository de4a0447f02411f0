// Writes one host's container list in ONE transaction: upsert by (host,
// CTID) so a re-import updates and never duplicates, replace each listed
// container's IPs and NICs exactly, flag containers no longer listed
// (vanishedAt, never deleted) and unflag those that reappear, then close the
// import row with its counts. 3,000 containers take a few statements per
// chunk of 500 (rows travel as one JSON parameter), not 3,000 round trips.
// Bad data fails the import before anything is written.
import { AppError, inventoryListSchema, type InventoryContainer } from '@vzferry/core';
import { type Db, prismaOf } from '../client';
import type { Prisma } from '../generated/client';
import { failInventoryImport } from './imports';

const CHUNK = 500;

export interface InventoryCounts {
  seen: number;
  created: number;
  updated: number;
  vanished: number;
  reappeared: number;
}

type Tx = Prisma.TransactionClient;

export async function applyInventory(
  db: Db,
  hostId: string,
  importId: string,
  containers: unknown,
  opts: { now?: Date; onProgress?: (fraction: number) => Promise<void> | void } = {},
): Promise<InventoryCounts> {
  const client = prismaOf(db);
  const now = opts.now ?? new Date();
  try {
    const list = validate(containers);
    const counts = await client.$transaction(
      async (tx) => {
        // one import per host at a time: a second one waits, then sees the first's result
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'inventory:' + hostId}))`;
        const reappeared = await countReappearing(tx, hostId, list);
        let created = 0;
        for (let i = 0; i < list.length; i += CHUNK) {
          const chunk = list.slice(i, i + CHUNK);
          created += await upsertChunk(tx, hostId, chunk, now);
          await opts.onProgress?.(Math.min(1, (i + chunk.length) / Math.max(1, list.length)));
        }
        const vanished = await flagVanished(tx, hostId, list, now);
        const counts = { seen: list.length, created, updated: list.length - created, vanished, reappeared };
        await closeImport(tx, hostId, importId, counts, now);
        return counts;
      },
      { timeout: 300_000, maxWait: 60_000 },
    );
    return counts;
  } catch (err) {
    await failInventoryImport(db, importId, err instanceof Error ? err.message : String(err));
    throw err;
  }
}

function validate(containers: unknown): InventoryContainer[] {
  const parsed = inventoryListSchema.safeParse(containers);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 5).map((i) => {
    const [index, ...rest] = i.path;
    const ct = typeof index === 'number' ? (containers as { ctid?: unknown }[])[index]?.ctid : undefined;
    return `${ct !== undefined ? `container ${String(ct)}` : `item ${String(index)}`}${rest.length ? ` ${rest.join('.')}` : ''}: ${i.message}`;
  });
  throw new AppError('inventory_invalid', `the inventory was not imported, nothing changed: ${issues.join('; ')}`);
}

async function countReappearing(tx: Tx, hostId: string, list: InventoryContainer[]): Promise<number> {
  const ctids = list.map((c) => c.ctid);
  const rows = await tx.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM "Container"
    WHERE "sourceHostId" = ${hostId}::uuid AND "vanishedAt" IS NOT NULL AND "sourceCtid" = ANY(${ctids}::int[])`;
  return Number(rows[0]?.n ?? 0);
}

/** Upserts the containers, then replaces their NICs and IPs. Returns how many were new. */
async function upsertChunk(tx: Tx, hostId: string, chunk: InventoryContainer[], now: Date): Promise<number> {
  const rows = JSON.stringify(chunk.map(toRow));
  const upserted = await tx.$queryRaw<{ id: string; inserted: boolean }[]>`
    INSERT INTO "Container" (
      "id", "sourceHostId", "sourceCtid", "hostname", "name", "description", "status", "ostemplate", "layout",
      "privatePath", "rootPath", "diskQuotaKb", "diskUsedKb", "inodesUsed", "inodesLimit", "ramMb", "swapMb",
      "cpus", "cpuUnits", "cpuLimit", "onboot", "nameservers", "searchDomains",
      "vanishedAt", "firstSeenAt", "lastSeenAt", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), ${hostId}::uuid, r.ctid, r.hostname, r.name, r.description, r.status::"ContainerStatus",
      r.ostemplate, r.layout, r."privatePath", r."rootPath", r."diskQuotaKb"::bigint, r."diskUsedKb"::bigint,
      r."inodesUsed"::bigint, r."inodesLimit"::bigint, r."ramMb", r."swapMb", r.cpus, r."cpuUnits", r."cpuLimit",
      r.onboot, ARRAY(SELECT jsonb_array_elements_text(r.nameservers)), ARRAY(SELECT jsonb_array_elements_text(r."searchDomains")),
      NULL, ${now}, ${now}, ${now}, ${now}
    FROM jsonb_to_recordset(${rows}::jsonb) AS r(
      ctid int, hostname text, name text, description text, status text, ostemplate text, layout text,
      "privatePath" text, "rootPath" text, "diskQuotaKb" text, "diskUsedKb" text, "inodesUsed" text, "inodesLimit" text,
      "ramMb" int, "swapMb" int, cpus int, "cpuUnits" int, "cpuLimit" int, onboot boolean, nameservers jsonb, "searchDomains" jsonb)
    ON CONFLICT ("sourceHostId", "sourceCtid") DO UPDATE SET
      "hostname" = EXCLUDED."hostname", "name" = EXCLUDED."name", "description" = EXCLUDED."description",
      "status" = EXCLUDED."status", "ostemplate" = EXCLUDED."ostemplate", "layout" = EXCLUDED."layout",
      "privatePath" = EXCLUDED."privatePath", "rootPath" = EXCLUDED."rootPath", "diskQuotaKb" = EXCLUDED."diskQuotaKb",
      "diskUsedKb" = EXCLUDED."diskUsedKb", "inodesUsed" = EXCLUDED."inodesUsed", "inodesLimit" = EXCLUDED."inodesLimit",
      "ramMb" = EXCLUDED."ramMb", "swapMb" = EXCLUDED."swapMb", "cpus" = EXCLUDED."cpus", "cpuUnits" = EXCLUDED."cpuUnits",
      "cpuLimit" = EXCLUDED."cpuLimit", "onboot" = EXCLUDED."onboot", "nameservers" = EXCLUDED."nameservers",
      "searchDomains" = EXCLUDED."searchDomains", "vanishedAt" = NULL, "lastSeenAt" = EXCLUDED."lastSeenAt",
      "updatedAt" = EXCLUDED."updatedAt"
    RETURNING "id", (xmax = 0) AS inserted`;
  const ids = upserted.map((r) => r.id);
  await tx.$executeRaw`DELETE FROM "ContainerIp" WHERE "containerId" = ANY(${ids}::uuid[])`;
  await tx.$executeRaw`DELETE FROM "ContainerNic" WHERE "containerId" = ANY(${ids}::uuid[])`;
  await insertNics(tx, hostId, chunk);
  await insertIps(tx, hostId, chunk);
  return upserted.filter((r) => r.inserted).length;
}

function toRow(c: InventoryContainer) {
  const big = (v: bigint | null) => (v === null ? null : v.toString());
  return {
    ...c,
    diskQuotaKb: big(c.diskQuotaKb),
    diskUsedKb: big(c.diskUsedKb),
    inodesUsed: big(c.inodesUsed),
    inodesLimit: big(c.inodesLimit),
    ips: undefined,
    nics: undefined,
  };
}

/**
 * The VLAN a veth NIC's bridge carries, by the usual naming of VLAN bridges
 * on OpenVZ hosts: br210, vmbr210, vlan210, br0.210, eth1.210. Other names
 * (br0, vmbr0 without a VLAN tag) say nothing: null.
 */
export function vlanOfBridge(bridge: string | null): number | null {
  if (!bridge) return null;
  const m = /^(?:[a-z]+\d*\.(\d{1,4})|(?:vm)?br(\d{2,4})|vlan(\d{1,4}))$/.exec(bridge);
  const vlan = Number(m?.[1] ?? m?.[2] ?? m?.[3]);
  return vlan >= 1 && vlan <= 4094 ? vlan : null;
}

async function insertNics(tx: Tx, hostId: string, chunk: InventoryContainer[]): Promise<void> {
  const nics = chunk.flatMap((c) => c.nics.map((n) => ({ ctid: c.ctid, ...n, vlan: vlanOfBridge(n.bridge) })));
  if (nics.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "ContainerNic" ("id", "containerId", "name", "mac", "hostIfname", "bridge", "vlan")
    SELECT gen_random_uuid(), c."id", n.name, n.mac, n."hostIfname", n.bridge, n.vlan
    FROM jsonb_to_recordset(${JSON.stringify(nics)}::jsonb) AS n(ctid int, name text, mac text, "hostIfname" text, bridge text, vlan int)
    JOIN "Container" c ON c."sourceHostId" = ${hostId}::uuid AND c."sourceCtid" = n.ctid`;
}

async function insertIps(tx: Tx, hostId: string, chunk: InventoryContainer[]): Promise<void> {
  const ips = chunk.flatMap((c) => c.ips.map((ip, position) => ({ ctid: c.ctid, ...ip, position })));
  if (ips.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "ContainerIp" ("id", "containerId", "address", "family", "prefix", "position")
    SELECT gen_random_uuid(), c."id", i.address, i.family, i.prefix, i.position
    FROM jsonb_to_recordset(${JSON.stringify(ips)}::jsonb) AS i(ctid int, address text, family int, prefix int, position int)
    JOIN "Container" c ON c."sourceHostId" = ${hostId}::uuid AND c."sourceCtid" = i.ctid`;
}

async function flagVanished(tx: Tx, hostId: string, list: InventoryContainer[], now: Date): Promise<number> {
  const ctids = list.map((c) => c.ctid);
  return tx.$executeRaw`
    UPDATE "Container" SET "vanishedAt" = ${now}, "updatedAt" = ${now}
    WHERE "sourceHostId" = ${hostId}::uuid AND "vanishedAt" IS NULL AND NOT ("sourceCtid" = ANY(${ctids}::int[]))`;
}

async function closeImport(tx: Tx, hostId: string, importId: string, c: InventoryCounts, now: Date): Promise<void> {
  const message =
    `${c.seen} containers: ${c.created} new, ${c.updated} updated, ${c.vanished} vanished` +
    (c.reappeared ? `, ${c.reappeared} back again` : '');
  await tx.inventoryImport.update({
    where: { id: importId },
    data: {
      status: 'succeeded',
      progressPercent: 100,
      message,
      containersSeen: c.seen,
      created: c.created,
      updated: c.updated,
      vanished: c.vanished,
      finishedAt: now,
      error: null,
    },
  });
  await tx.sourceHost.update({ where: { id: hostId }, data: { lastError: null } });
}
