// A container as the inventory knows it: what a source adapter (OpenVZ
// vzctl today, Virtuozzo later) reads from a host, and what packages/db
// stores, checked with this one schema on both sides. The limits are the
// database's (a CTID fits PostgreSQL's integer, an interface name is at most
// IFNAMSIZ-1 characters) so that a host's output that would not fit is
// refused when it is parsed, with the container named.
import { z } from 'zod';

/** vzctl's envid_t: a positive integer; here also what a PostgreSQL integer holds. */
export const ctidSchema = z
  .number()
  .int('a container id (CTID) is a whole number')
  .positive('a container id (CTID) is a positive number')
  .max(2_147_483_647, 'a container id (CTID) fits in 32 bits');

const text = (max: number) => z.string().max(max).nullable();
const kb = z.bigint().nonnegative().nullable();
const count = z.number().int().nonnegative().max(2_147_483_647).nullable();
/** Linux interface names: IFNAMSIZ (16) with its NUL */
const ifname = z.string().max(15);

export const inventoryIpSchema = z.object({
  address: z.string().min(2).max(45),
  family: z.union([z.literal(4), z.literal(6)]),
  prefix: z.number().int().min(0).max(128).nullable(),
});

export const inventoryNicSchema = z.object({
  name: ifname.min(1),
  mac: z.string().max(17).nullable(),
  hostIfname: ifname.nullable(),
  bridge: ifname.nullable(),
});

export const inventoryContainerSchema = z.object({
  ctid: ctidSchema,
  hostname: text(255),
  name: text(255),
  description: text(4096),
  status: z.enum(['running', 'stopped', 'mounted', 'suspended', 'unknown']),
  ostemplate: text(255),
  layout: z.enum(['simfs', 'ploop']).nullable(),
  privatePath: text(4096),
  rootPath: text(4096),
  diskQuotaKb: kb,
  diskUsedKb: kb,
  inodesUsed: kb,
  inodesLimit: kb,
  ramMb: count,
  swapMb: count,
  cpus: count,
  cpuUnits: count,
  cpuLimit: count,
  onboot: z.boolean().nullable(),
  nameservers: z.array(z.string().max(255)).max(64),
  searchDomains: z.array(z.string().max(255)).max(64),
  ips: z.array(inventoryIpSchema).max(4096),
  nics: z.array(inventoryNicSchema).max(64),
});

export type InventoryContainer = z.infer<typeof inventoryContainerSchema>;
export type InventoryIp = z.infer<typeof inventoryIpSchema>;
export type InventoryNic = z.infer<typeof inventoryNicSchema>;

/** One host's containers: each CTID, and each address and interface of a container, once. */
export const inventoryListSchema = z.array(inventoryContainerSchema).superRefine((list, ctx) => {
  const seen = new Set<number>();
  list.forEach((ct, i) => {
    if (seen.has(ct.ctid))
      ctx.addIssue({ code: 'custom', path: [i, 'ctid'], message: `container ${ct.ctid} is listed twice` });
    seen.add(ct.ctid);
    const addresses = new Set<string>();
    ct.ips.forEach((ip, j) => {
      if (addresses.has(ip.address))
        ctx.addIssue({ code: 'custom', path: [i, 'ips', j], message: `IP ${ip.address} is listed twice` });
      addresses.add(ip.address);
    });
    const nics = new Set<string>();
    ct.nics.forEach((nic, j) => {
      if (nics.has(nic.name))
        ctx.addIssue({ code: 'custom', path: [i, 'nics', j], message: `interface ${nic.name} is listed twice` });
      nics.add(nic.name);
    });
  });
});
