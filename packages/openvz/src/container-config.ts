// /etc/vz/conf/<CTID>.conf -> the settings the inventory needs.
// Keys, units and duplicate handling follow kolyshkin/vzctl src/lib/config.c
// (the config[] table and parse()): scalar keys keep their FIRST value
// (conf_parse_str returns ERR_DUP, "duplicate ... ignored"); list keys
// (IP_ADDRESS, NAMESERVER, SEARCHDOMAIN, NETIF) accumulate. Unknown keys are
// ignored as vzctl does. A value vzctl would reject for a key we use is an
// error here (vzctl would silently skip it, and an import that silently
// drops an IP loses a customer's address).
import { z } from 'zod';
import { parseConfigLines, substVeid, type ConfigEntry } from './config-lines';
import type { Ctid } from './ctid';
import { parseAddressList, type ContainerAddress } from './ip-address';
import { parseNetif, type VethInterface } from './netif';
import { OpenVzParseError } from './parse-error';
import { parseLimitPair, PAGE_SIZE, type LimitPair } from './vz-units';

export const vzLayoutSchema = z.enum(['simfs', 'ploop']);
export type VzLayout = z.infer<typeof vzLayoutSchema>;

export interface ContainerConfig {
  ctid: Ctid;
  onboot: boolean | null;
  disabled: boolean | null;
  hostname: string | null;
  name: string | null;
  description: string | null;
  ostemplate: string | null;
  originSample: string | null;
  layout: VzLayout | null;
  /** VE_PRIVATE with $VEID expanded */
  privatePath: string | null;
  /** VE_ROOT with $VEID expanded */
  rootPath: string | null;
  /** DISKSPACE in 1 KiB blocks */
  diskspaceKb: LimitPair | null;
  diskinodes: LimitPair | null;
  /** PHYSPAGES / SWAPPAGES barrier:limit in 4 KiB pages */
  physpages: LimitPair | null;
  swappages: LimitPair | null;
  cpuUnits: number | null;
  /** CPULIMIT in % of one CPU; null when unset or given as "N%" of all CPUs (host dependent) */
  cpuLimit: number | null;
  cpus: number | null;
  ips: ContainerAddress[];
  nameservers: string[];
  searchDomains: string[];
  netifs: VethInterface[];
  /** lines vzctl itself would skip, and ignored duplicates */
  warnings: string[];
}

type Reader = (value: string, ctid: Ctid) => unknown;

const yesNo: Reader = (v) => {
  if (v === 'yes') return true;
  if (v === 'no') return false;
  throw new Error('expected "yes" or "no"');
};
const text: Reader = (v) => v;
const path: Reader = (v, ctid) => substVeid(v, ctid);
const layout: Reader = (v) => {
  // parse_ve_layout: "simfs", "ploop" or "ploop:<expanded|plain|raw>"
  if (v === 'simfs') return 'simfs';
  if (/^ploop(:(expanded|plain|raw))?$/.test(v)) return 'ploop';
  throw new Error('expected simfs, ploop or ploop:<expanded|plain|raw>');
};
const ulong: Reader = (v) => {
  if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new Error('expected a whole number');
  return Number(v);
};
const cpuLimit: Reader = (v) => {
  // parse_cpulimit: "N" (% of one CPU) or "N%" (% of all host CPUs, N <= 100)
  const m = /^([0-9]+)(%?)$/.exec(v);
  if (!m || (m[2] && Number(m[1]) > 100)) throw new Error('expected a number, or a percentage up to 100%');
  return m[2] ? null : Number(m[1]);
};
const pair =
  (unitBytes: number): Reader =>
  (v) =>
    parseLimitPair(v, unitBytes);

// config key -> [field, reader]; DISKSPACE is in 1 KiB blocks (parse_dq
// divisor 1024), DISKINODES has no unit, PHYSPAGES/SWAPPAGES are pages
// (parse_ub divisor _page_size)
const SCALARS: Record<string, [keyof ContainerConfig, Reader]> = {
  ONBOOT: ['onboot', yesNo],
  DISABLED: ['disabled', yesNo],
  HOSTNAME: ['hostname', text],
  NAME: ['name', text],
  DESCRIPTION: ['description', text],
  OSTEMPLATE: ['ostemplate', text],
  ORIGIN_SAMPLE: ['originSample', text],
  VE_LAYOUT: ['layout', layout],
  VE_PRIVATE: ['privatePath', path],
  VE_ROOT: ['rootPath', path],
  DISKSPACE: ['diskspaceKb', pair(1024)],
  DISKINODES: ['diskinodes', pair(0)],
  PHYSPAGES: ['physpages', pair(PAGE_SIZE)],
  SWAPPAGES: ['swappages', pair(PAGE_SIZE)],
  CPUUNITS: ['cpuUnits', ulong],
  CPULIMIT: ['cpuLimit', cpuLimit],
  CPUS: ['cpus', ulong],
};

const words = (v: string) => v.split(/[ \t]+/).filter(Boolean);

export function parseContainerConfig(textBody: string, ctid: Ctid): ContainerConfig {
  const source = `/etc/vz/conf/${ctid}.conf`;
  const { entries, warnings } = parseConfigLines(textBody);
  const config = emptyConfig(ctid, warnings);
  const seen = new Set<string>();
  for (const entry of entries) {
    try {
      apply(config, entry, seen);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new OpenVzParseError(source, `line ${entry.line}: ${entry.key}="${entry.value}": ${why}`);
    }
  }
  return config;
}

function apply(config: ContainerConfig, { key, value, line }: ConfigEntry, seen: Set<string>): void {
  const scalar = SCALARS[key];
  if (scalar) {
    if (seen.has(key))
      return void config.warnings.push(`line ${line}: duplicate ${key} ignored (vzctl keeps the first)`);
    seen.add(key);
    const [field, read] = scalar;
    (config as unknown as Record<string, unknown>)[field] = read(value, config.ctid);
    return;
  }
  switch (key) {
    case 'IP_ADDRESS':
      return void (config.ips = mergeIps(config.ips, parseAddressList(words(value))));
    case 'NAMESERVER':
      return void (config.nameservers = unique([...config.nameservers, ...words(value)]));
    case 'SEARCHDOMAIN':
      return void (config.searchDomains = unique([...config.searchDomains, ...words(value)]));
    case 'NETIF':
      return void (config.netifs = mergeNetifs(config.netifs, parseNetif(value)));
  }
}

function emptyConfig(ctid: Ctid, warnings: string[]): ContainerConfig {
  return {
    ctid,
    onboot: null,
    disabled: null,
    hostname: null,
    name: null,
    description: null,
    ostemplate: null,
    originSample: null,
    layout: null,
    privatePath: null,
    rootPath: null,
    diskspaceKb: null,
    diskinodes: null,
    physpages: null,
    swappages: null,
    cpuUnits: null,
    cpuLimit: null,
    cpus: null,
    ips: [],
    nameservers: [],
    searchDomains: [],
    netifs: [],
    warnings,
  };
}

const unique = (list: string[]) => [...new Set(list)];

function mergeIps(a: ContainerAddress[], b: ContainerAddress[]): ContainerAddress[] {
  return [...a, ...b.filter((ip) => !a.some((x) => x.address === ip.address))];
}

function mergeNetifs(a: VethInterface[], b: VethInterface[]): VethInterface[] {
  return [...a, ...b.filter((d) => !a.some((x) => x.name === d.name))];
}
