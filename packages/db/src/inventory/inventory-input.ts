// What an import hands to applyInventory: the normalized containers of one
// host (packages/openvz InventoryContainer has this shape; the worker passes
// it straight through). Validated here again because this is where it enters
// the database: a bad row fails the whole import and changes nothing.
import { z } from 'zod';

const text = (max: number) => z.string().max(max).nullable();
const kb = z.bigint().nonnegative().nullable();
const count = z.number().int().nonnegative().max(2_147_483_647).nullable();

export const inventoryInputContainerSchema = z.object({
  ctid: z.number().int().positive().max(2_147_483_647),
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
  ips: z
    .array(
      z.object({
        address: z.string().min(2).max(45),
        family: z.union([z.literal(4), z.literal(6)]),
        prefix: z.number().int().min(0).max(128).nullable(),
      }),
    )
    .max(4096),
  nics: z
    .array(
      z.object({
        name: z.string().min(1).max(15),
        mac: z.string().max(17).nullable(),
        hostIfname: z.string().max(15).nullable(),
        bridge: z.string().max(15).nullable(),
      }),
    )
    .max(64),
});

export type InventoryInputContainer = z.infer<typeof inventoryInputContainerSchema>;

export const inventoryInputSchema = z.array(inventoryInputContainerSchema).superRefine((list, ctx) => {
  const seen = new Set<number>();
  list.forEach((ct, i) => {
    if (seen.has(ct.ctid)) ctx.addIssue({ code: 'custom', path: [i, 'ctid'], message: `container ${ct.ctid} is listed twice` });
    seen.add(ct.ctid);
    const addresses = new Set<string>();
    ct.ips.forEach((ip, j) => {
      if (addresses.has(ip.address)) ctx.addIssue({ code: 'custom', path: [i, 'ips', j], message: `IP ${ip.address} is listed twice` });
      addresses.add(ip.address);
    });
    const nics = new Set<string>();
    ct.nics.forEach((nic, j) => {
      if (nics.has(nic.name)) ctx.addIssue({ code: 'custom', path: [i, 'nics', j], message: `interface ${nic.name} is listed twice` });
      nics.add(nic.name);
    });
  });
});
