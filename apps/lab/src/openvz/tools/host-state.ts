// What a simulated hypervisor's vzlist and vzctl read and change: the
// configs under /etc/vz/conf, the private areas under /vz/private, and the
// lab's record of which containers run (/vz/lab/running/<CTID>, whose mtime
// is the start time) and of their disk usage (/vz/lab/usage.json, written
// when the lab is built). Inside the lab's mount namespace these are the
// real paths; LAB_VZ_ROOT / LAB_ETC_VZ point elsewhere for tests.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseContainerConfig, toCtid, UBC_NAMES, type ContainerConfig } from '@vzferry/openvz';
import { LONG_MAX, type Ubc, type VzlistRecord } from '../vzlist-format';

export const VZ = process.env.LAB_VZ_ROOT ?? '/vz';
export const ETC_VZ = process.env.LAB_ETC_VZ ?? '/etc/vz';
const CONF_DIR = path.join(ETC_VZ, 'conf');
const RUNNING_DIR = path.join(VZ, 'lab/running');
const USAGE_FILE = path.join(VZ, 'lab/usage.json');

export interface Usage {
  kb: number;
  inodes: number;
}

export function configPath(ctid: number): string {
  return path.join(CONF_DIR, `${ctid}.conf`);
}

export function listCtids(): number[] {
  if (!existsSync(CONF_DIR)) return [];
  return readdirSync(CONF_DIR)
    .map((f) => /^(\d+)\.conf$/.exec(f)?.[1])
    .filter((id): id is string => id !== undefined && id !== '0')
    .map(Number)
    .sort((a, b) => a - b);
}

export function readConfig(ctid: number): ContainerConfig | null {
  const file = configPath(ctid);
  if (!existsSync(file)) return null;
  return parseContainerConfig(readFileSync(file, 'utf8'), toCtid(ctid));
}

export function privatePath(cfg: ContainerConfig): string {
  return cfg.privatePath ?? path.join(VZ, 'private', String(cfg.ctid));
}

export function rootPath(cfg: ContainerConfig): string {
  return cfg.rootPath ?? path.join(VZ, 'root', String(cfg.ctid));
}

export function isRunning(ctid: number): boolean {
  return existsSync(path.join(RUNNING_DIR, String(ctid)));
}

export function setRunning(ctid: number, running: boolean): void {
  const file = path.join(RUNNING_DIR, String(ctid));
  if (running) {
    mkdirSync(RUNNING_DIR, { recursive: true });
    writeFileSync(file, '');
  } else rmSync(file, { force: true });
}

function startedAt(ctid: number): number {
  return statSync(path.join(RUNNING_DIR, String(ctid))).mtimeMs;
}

let usageCache: Record<string, Usage> | null = null;
function usage(ctid: number): Usage {
  usageCache ??= existsSync(USAGE_FILE) ? (JSON.parse(readFileSync(USAGE_FILE, 'utf8')) as Record<string, Usage>) : {};
  return usageCache[String(ctid)] ?? { kb: 0, inodes: 0 };
}

/** Replaces KEY="value" in a config (appends it when absent), as `vzctl set --save` does. */
export function saveConfigValue(ctid: number, key: string, value: string): void {
  const file = configPath(ctid);
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = `${key}="${value}"`;
  const at = lines.findIndex((l) => l.startsWith(`${key}=`));
  if (at >= 0) lines[at] = line;
  else lines.splice(lines[lines.length - 1] === '' ? lines.length - 1 : lines.length, 0, line);
  writeFileSync(file, lines.join('\n'));
}

const unlimited = (): Ubc => ({ held: 0n, maxheld: 0n, barrier: LONG_MAX, limit: LONG_MAX, failcnt: 0n });

/** vzlist's view of one container: config values, plus live counters while it runs. */
export function vzlistRecord(cfg: ContainerConfig, now = Date.now()): VzlistRecord {
  const running = isRunning(cfg.ctid);
  const seed = cfg.ctid;
  const ubc = Object.fromEntries(UBC_NAMES.map((n) => [n, unlimited()])) as VzlistRecord['ubc'];
  const phys = cfg.physpages;
  const swap = cfg.swappages;
  const vswap = phys !== null && phys.hard !== 'unlimited';
  if (phys) ubc.physpages = { ...unlimited(), barrier: big(phys.soft), limit: big(phys.hard) };
  if (swap) ubc.swappages = { ...unlimited(), barrier: big(swap.soft), limit: big(swap.hard) };
  ubc.vmguarpages = { ...unlimited(), barrier: 0n };
  ubc.oomguarpages = { ...unlimited(), barrier: 0n };
  if (running) {
    // plausible live counters, stable per container
    const live: [keyof VzlistRecord['ubc'], number, number][] = [
      ['kmemsize', 9_000_000 + seed * 1000, 14_000_000 + seed * 1000],
      ['privvmpages', 80_000 + seed, 150_000 + seed],
      ['numproc', 10 + (seed % 40), 50 + (seed % 40)],
      ['physpages', 50_000 + seed, 130_000 + seed],
      ['oomguarpages', 50_000 + seed, 130_000 + seed],
      ['numtcpsock', 5 + (seed % 10), 15 + (seed % 10)],
      ['numfile', 700 + (seed % 300), 1200 + (seed % 300)],
    ];
    for (const [n, held, maxheld] of live) ubc[n] = { ...ubc[n], held: BigInt(held), maxheld: BigInt(maxheld) };
  }
  const u = usage(cfg.ctid);
  const disk = cfg.diskspaceKb;
  const inodes = cfg.diskinodes;
  return {
    ctid: cfg.ctid,
    private: privatePath(cfg),
    root: rootPath(cfg),
    mount_opts: null,
    origin_sample: cfg.originSample,
    hostname: cfg.hostname,
    name: cfg.name,
    description: cfg.description,
    ostemplate: cfg.ostemplate,
    ip: cfg.ips.map((ip) => ip.address),
    nameserver: cfg.nameservers,
    searchdomain: cfg.searchDomains,
    status: running ? 'running' : 'stopped',
    ubc,
    diskspace: disk
      ? { usage: running ? BigInt(u.kb) : 0n, softlimit: big(disk.soft), hardlimit: big(disk.hard) }
      : null,
    diskinodes: inodes
      ? { usage: running ? BigInt(u.inodes) : 0n, softlimit: big(inodes.soft), hardlimit: big(inodes.hard) }
      : null,
    laverage: running ? [(seed % 7) / 100, (seed % 11) / 100, (seed % 5) / 100] : null,
    uptime: running ? Math.max(0, (now - startedAt(cfg.ctid)) / 1000) : 0,
    cpulimit: cfg.cpuLimit ?? 0,
    cpuunits: cfg.cpuUnits ?? 1000,
    cpus: cfg.cpus ?? 0,
    onboot: cfg.onboot,
    layout: cfg.layout ?? 'simfs',
    vswap,
    disabled: cfg.disabled ?? false,
    netfilter: 'stateless',
  };
}

function big(v: bigint | 'unlimited'): bigint {
  return v === 'unlimited' ? LONG_MAX : v;
}
