// The lab's fleet, decided before anything is written: which hypervisor holds
// which container, its OS, state, size, IPs, NICs and customer. Pure and
// deterministic (same options, same fleet), so tests and the demo can rely
// on it and 3,000 containers cost nothing to plan.

export interface OsSpec {
  /** OSTEMPLATE, as OpenVZ's precreated templates name them */
  template: string;
  family: 'redhat' | 'debian';
  distribution: 'centos' | 'ubuntu' | 'debian';
  version: string;
}

export const SYNTHETIC_OSES: OsSpec[] = [
  { template: 'centos-5-x86_64', family: 'redhat', distribution: 'centos', version: '5.11' },
  { template: 'centos-6-x86_64', family: 'redhat', distribution: 'centos', version: '6.10' },
  { template: 'centos-7-x86_64', family: 'redhat', distribution: 'centos', version: '7.9.2009' },
  { template: 'ubuntu-14.04-x86_64', family: 'debian', distribution: 'ubuntu', version: '14.04' },
  { template: 'ubuntu-16.04-x86_64', family: 'debian', distribution: 'ubuntu', version: '16.04' },
  { template: 'ubuntu-18.04-x86_64', family: 'debian', distribution: 'ubuntu', version: '18.04' },
  { template: 'debian-8.0-x86_64', family: 'debian', distribution: 'debian', version: '8.11' },
  { template: 'debian-9.0-x86_64', family: 'debian', distribution: 'debian', version: '9.13' },
];

export const DEBIAN12: OsSpec = {
  template: 'debian-12.0-x86_64',
  family: 'debian',
  distribution: 'debian',
  version: '12',
};
/** the real, bootable container: on the first hypervisor, with the address QEMU's user network gives a guest */
export const DEBIAN12_CTID = 1012;
export const DEBIAN12_IP = '10.0.2.15';

/** below the first hypervisor's generated CTIDs (1001 and up), so it never collides with them */
export const HOSTILE_CTID = 999;
/** in the lab fleet's 10.10.0.0/16, above the addresses planFleet gives out */
export const HOSTILE_IP = '10.10.249.66';
/** the hostile container of apps/lab/src/openvz/hostile.ts; its tree is made there */
export function hostilePlan(): ContainerPlan {
  return {
    ctid: HOSTILE_CTID,
    host: 0,
    hostname: `ct${HOSTILE_CTID}.hostile-example.net`,
    os: { template: 'debian-7.0-x86_64', family: 'debian', distribution: 'debian', version: '7.11' },
    // stopped: the lab's own `vzctl exec` (the simulated hypervisor) never runs its code on this machine
    running: false,
    onboot: true,
    ips: [HOSTILE_IP],
    diskGb: 5,
    ramMb: 1024,
    swapMb: 512,
    cpus: 1,
    nic: null,
    customer: { name: 'Mallory Hosting', email: 'root@mallory.example', timezone: 'UTC', window: null },
    csvByHostname: false,
    real: false,
    hostile: true,
  };
}

export interface NicPlan {
  ifname: string;
  mac: string;
  hostIfname: string;
  hostMac: string;
  bridge: string;
}

export interface CustomerPlan {
  name: string;
  email: string;
  timezone: string;
  window: string | null;
}

export interface ContainerPlan {
  ctid: number;
  host: number;
  hostname: string;
  os: OsSpec;
  running: boolean;
  onboot: boolean;
  /** IPv4 and IPv6, first is primary */
  ips: string[];
  diskGb: number;
  ramMb: number;
  swapMb: number;
  cpus: number;
  nic: NicPlan | null;
  customer: CustomerPlan;
  /** the customer CSV names this one by hostname instead of CTID */
  csvByHostname: boolean;
  real: boolean;
  /** the hostile container (hostile.ts) */
  hostile: boolean;
}

export interface FleetOptions {
  hosts: number;
  containers: number;
  /** include the real Debian 12 container (CTID 1012 on the first host) */
  debian12: boolean;
  /** include the hostile container (CTID 999 on the first host, hostile.ts); default true */
  hostile?: boolean;
  /**
   * 0-14 (default 0): moves the fleet's addresses by 16 in the third octet,
   * inside the same /16s. The VMs of every lab answer through this machine's
   * one routing table, so two labs running at once (parallel test files)
   * each take their own block, or one lab's VM would answer for the other's.
   */
  addressBlock?: number;
}

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Europe/London', 'Australia/Sydney', 'UTC'];
const WINDOWS = ['Sun 02:00-05:00', 'Sat 01:00-04:00', 'Sat,Sun 22:00-02:00', '03:00-05:00', 'Wed 00:30-03:30'];
const COMPANIES = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Hooli',
  'Stark',
  'Wayne',
  'Tyrell',
  'Cyberdyne',
  'Soylent',
  'Wonka',
  'Gringotts',
];
const RAM_MB = [512, 1024, 1024, 2048, 2048, 4096, 8192];

/** A small deterministic generator (mulberry32), so every build is the same fleet. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hostName(index: number): string {
  return `hv${index + 1}`;
}

export function planFleet(opts: FleetOptions): ContainerPlan[] {
  const rand = rng(20261124);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const plans: ContainerPlan[] = [];
  let customerNo = 0;
  let owned = 0;
  let customer = newCustomer(0);
  function newCustomer(n: number): CustomerPlan {
    const company =
      `${COMPANIES[n % COMPANIES.length]} ${n >= COMPANIES.length ? Math.floor(n / COMPANIES.length) + 1 : ''}`.trim();
    return {
      name: `${company} Hosting`,
      email: `ops@${company.toLowerCase().replace(/\s+/g, '-')}.example`,
      timezone: pick(ZONES),
      window: rand() < 0.5 ? pick(WINDOWS) : null,
    };
  }
  for (let n = 0; n < opts.containers; n++) {
    const host = n % opts.hosts;
    const ctid = (host + 1) * 1000 + Math.floor(n / opts.hosts) + 1;
    // customers own 1-5 containers each
    if (owned >= 1 + Math.floor(rand() * 5)) {
      customer = newCustomer(++customerNo);
      owned = 0;
    }
    owned++;
    const real = opts.debian12 && ctid === DEBIAN12_CTID;
    const ips = real ? [DEBIAN12_IP] : ipsFor(n, host, Math.floor(rand() * 4), rand, opts.addressBlock ?? 0);
    plans.push({
      ctid,
      host,
      hostname: `ct${ctid}.${customer.email.split('@')[1]!.replace(/\.example$/, '')}-example.net`,
      os: real ? DEBIAN12 : SYNTHETIC_OSES[Math.floor(n / opts.hosts) % SYNTHETIC_OSES.length]!,
      running: real || rand() < 0.85,
      onboot: true,
      ips,
      diskGb: real ? 4 : pick([5, 10, 20, 20, 40, 50, 100, 200]),
      ramMb: pick(RAM_MB),
      swapMb: 512,
      cpus: pick([1, 1, 2, 2, 4]),
      nic: !real && n % 15 === 7 ? nicFor(ctid, n % 2 === 0 ? 210 : 220) : null,
      customer,
      csvByHostname: n % 10 === 3,
      real,
      hostile: false,
    });
  }
  if (opts.hostile ?? true) plans.unshift(hostilePlan());
  if (opts.debian12 && !plans.some((p) => p.real))
    throw new Error(`the Debian 12 container needs CTID ${DEBIAN12_CTID}: plan at least ${opts.hosts * 12} containers`);
  return plans;
}

/** Primary IPs in four /16s (a few subnets, room for 3,000+), some a second IPv4 or an IPv6; all unique. */
function ipsFor(n: number, host: number, subnet: number, rand: () => number, block: number): string[] {
  if (!Number.isInteger(block) || block < 0 || block > 14) throw new Error(`addressBlock ${block}: 0 to 14`);
  // the last two octets come from n alone, so the addresses are unique whatever the subnet;
  // a block's 16 third octets hold 4,000 containers without reaching the next block
  const third = Math.floor(n / 250) + 16 * block;
  if (third > 249) throw new Error(`container ${n} has no address left in block ${block}`);
  const ips = [`10.${10 + subnet}.${third}.${(n % 250) + 2}`];
  if (rand() < 0.2) ips.push(`172.20.${third}.${(n % 250) + 2}`);
  if (rand() < 0.1) ips.push(`2001:db8:${host + 1}::${(block * 0x1000 + n + 1).toString(16)}`);
  return ips;
}

function nicFor(ctid: number, vlan: number): NicPlan {
  const hex = (ctid & 0xffff).toString(16).padStart(4, '0');
  const mac = `00:18:51:${hex.slice(0, 2)}:${hex.slice(2)}:01`;
  return {
    ifname: 'eth0',
    mac,
    hostIfname: `veth${ctid}.0`,
    hostMac: `00:18:51:${hex.slice(0, 2)}:${hex.slice(2)}:02`,
    bridge: `br${vlan}`,
  };
}
