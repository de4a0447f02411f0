// The normalized container the inventory stores, merged from `vzlist -a -j`
// and the container's config file, in the shape packages/core defines for
// every source (inventoryContainerSchema).
//
// Which source wins: vzlist, for everything it reports. It reads the same
// config file and adds what is in effect in the kernel (the IPs of a running
// container, the quota usage, the beancounters). The config fills what vzlist
// does not carry: IP prefixes, veth interfaces (NETIF), and values vzlist
// prints as null or 0-for-unset. IPs are the union (vzlist's live IPs and the
// config's saved ones), config order first: an address added at run time
// without --save is still the customer's, and losing one is the failure
// this tool must never have.
import { inventoryContainerSchema, type InventoryContainer } from '@vzferry/core';
import type { ContainerConfig } from './container-config';
import { parseAddressList } from './ip-address';
import { describeIssues, OpenVzParseError } from './parse-error';
import { limitToMib, PAGE_SIZE } from './vz-units';
import { UNLIMITED, type Limit, type VzlistContainer } from './vzlist-json';

const finite = (l: Limit | undefined | null): bigint | null =>
  l === undefined || l === null || l === UNLIMITED ? null : l;
const pagesToMib = (l: Limit | undefined | null): number | null =>
  l === undefined || l === null ? null : limitToMib(l, PAGE_SIZE);

export function toInventoryContainer(ct: VzlistContainer, config: ContainerConfig | null): InventoryContainer {
  const parsed = inventoryContainerSchema.safeParse(merge(ct, config));
  if (!parsed.success) throw new OpenVzParseError(`container ${ct.ctid}`, describeIssues(parsed.error.issues));
  return parsed.data;
}

function merge(ct: VzlistContainer, config: ContainerConfig | null): unknown {
  return {
    ctid: ct.ctid,
    hostname: ct.hostname ?? config?.hostname ?? null,
    name: ct.name ?? config?.name ?? null,
    description: ct.description ?? config?.description ?? null,
    status: ct.status,
    ostemplate: ct.ostemplate ?? config?.ostemplate ?? null,
    layout: ct.layout !== '???' ? ct.layout : (config?.layout ?? null),
    privatePath: ct.private ?? config?.privatePath ?? null,
    rootPath: ct.root ?? config?.rootPath ?? null,
    // the hard limit: the most the container may hold, what its disk must fit
    diskQuotaKb: finite(ct.diskspace?.hardlimit ?? config?.diskspaceKb?.hard),
    diskUsedKb: ct.diskspace?.usage ?? null,
    inodesUsed: ct.diskinodes?.usage ?? null,
    inodesLimit: finite(ct.diskinodes?.hardlimit ?? config?.diskinodes?.hard),
    ramMb: ramMb(ct, config),
    swapMb: pagesToMib(ct.swappages?.limit ?? config?.swappages?.hard),
    // print_cpunum prints 0 when CPUS is unset
    cpus: ct.cpus > 0 ? ct.cpus : (config?.cpus ?? null),
    cpuUnits: ct.cpuunits ?? config?.cpuUnits ?? null,
    cpuLimit: ct.cpulimit ?? config?.cpuLimit ?? null,
    onboot: ct.onboot ?? config?.onboot ?? null,
    nameservers: ct.nameserver.length > 0 ? ct.nameserver : (config?.nameservers ?? []),
    searchDomains: ct.searchdomain.length > 0 ? ct.searchdomain : (config?.searchDomains ?? []),
    ips: mergeIps(ct, config),
    nics: (config?.netifs ?? []).map((n) => ({ name: n.name, mac: n.mac, hostIfname: n.hostIfname, bridge: n.bridge })),
  };
}

// vzlist.c print_vswap: a PHYSPAGES limit of LONG_MAX or INT_MAX means "not vswap"
const INT_MAX = 2147483647n;

/**
 * vswap containers: RAM is the PHYSPAGES limit. Older (UBC) containers have
 * PHYSPAGES unlimited and their memory in PRIVVMPAGES (barrier).
 */
function ramMb(ct: VzlistContainer, config: ContainerConfig | null): number | null {
  const phys = ct.physpages?.limit ?? config?.physpages?.hard;
  if (phys !== undefined && phys !== UNLIMITED && phys !== INT_MAX) return pagesToMib(phys);
  const priv = ct.privvmpages?.barrier;
  return priv !== undefined && priv !== UNLIMITED ? pagesToMib(priv) : null;
}

function mergeIps(ct: VzlistContainer, config: ContainerConfig | null): InventoryContainer['ips'] {
  const saved = config?.ips ?? [];
  let live;
  try {
    live = parseAddressList(ct.ip);
  } catch (err) {
    throw new OpenVzParseError(
      `container ${ct.ctid}`,
      `vzlist lists an IP that is not an address: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return [...saved, ...live.filter((ip) => !saved.some((s) => s.address === ip.address))];
}
