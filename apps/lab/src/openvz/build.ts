// Builds the lab's hypervisors on disk: per host its SSH host key, vz.conf,
// container configs and private areas, and the record of running
// containers; one client key for all hosts; the customer CSV. Everything
// under `dir`. The slow part is the Debian 12 container (an unpack of the
// cached debootstrap tarball); 200 synthetic containers take a second or two.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDebian12Tarball } from '../rootfs';
import { measureTree, untar, writeDebian12Guest, writeSyntheticGuest } from './guest-tree';
import { makeGuestHostile } from './hostile';
import { hostName, planFleet, type ContainerPlan, type FleetOptions } from './plan';
import { containerConfig, VZ_CONF } from './render';

export interface LabLayout {
  dir: string;
  clientKey: string;
  customersCsv: string;
  hostDir(name: string): string;
}

export function labLayout(dir: string): LabLayout {
  const abs = path.resolve(dir);
  return {
    dir: abs,
    clientKey: path.join(abs, 'id_ed25519'),
    customersCsv: path.join(abs, 'customers.csv'),
    hostDir: (name) => path.join(abs, 'hosts', name),
  };
}

const BUILD_FILE = 'build.json';

export interface BuildInfo extends FleetOptions {
  builtAt: string;
  hostNames: string[];
  /** where the hostile container's links lead (hostile.ts) */
  hostileCanary: string;
}

export function readBuildInfo(dir: string): BuildInfo | null {
  const file = path.join(dir, BUILD_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BuildInfo) : null;
}

export async function buildHypervisors(
  dir: string,
  fleet: FleetOptions,
  log: (l: string) => void = () => undefined,
  hostileCanary = path.join(path.resolve(dir), 'hostile-canary'),
): Promise<BuildInfo> {
  const layout = labLayout(dir);
  mkdirSync(layout.dir, { recursive: true });
  const started = Date.now();
  const plans = planFleet(fleet);
  const tarball = fleet.debian12 ? await ensureDebian12Tarball({ log }) : null;
  keygen(layout.clientKey, 'vzferry-lab-client');
  const hostNames: string[] = [];
  for (let h = 0; h < fleet.hosts; h++) {
    const name = hostName(h);
    hostNames.push(name);
    buildHost(
      layout.hostDir(name),
      name,
      plans.filter((p) => p.host === h),
      tarball,
      hostileCanary,
    );
  }
  writeFileSync(layout.customersCsv, customersCsv(plans));
  const info: BuildInfo = {
    ...fleet,
    hostile: fleet.hostile ?? true,
    builtAt: new Date().toISOString(),
    hostNames,
    hostileCanary,
  };
  writeFileSync(path.join(layout.dir, BUILD_FILE), `${JSON.stringify(info, null, 2)}\n`);
  log(
    `built ${fleet.hosts} hypervisors with ${plans.length} containers in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return info;
}

function buildHost(
  hostDir: string,
  name: string,
  plans: ContainerPlan[],
  tarball: string | null,
  hostileCanary: string,
): void {
  for (const d of ['vz/private', 'vz/root', 'vz/lab/running', 'etc-vz/conf', 'ssh'])
    mkdirSync(path.join(hostDir, d), { recursive: true });
  keygen(path.join(hostDir, 'ssh/ssh_host_ed25519_key'), `root@${name}`);
  writeFileSync(path.join(hostDir, 'etc-vz/vz.conf'), VZ_CONF);
  const busybox = path.join(hostDir, 'vz/lab/busybox');
  copyFileSync('/bin/busybox', busybox);
  const usage: Record<string, { kb: number; inodes: number }> = {};
  for (const ct of plans) {
    const priv = path.join(hostDir, 'vz/private', String(ct.ctid));
    if (ct.real) writeDebian12Guest(priv, ct, (dest) => untar(tarball!, dest));
    else writeSyntheticGuest(priv, ct, busybox);
    if (ct.hostile) makeGuestHostile(priv, busybox, hostileCanary);
    mkdirSync(path.join(hostDir, 'vz/root', String(ct.ctid)));
    writeFileSync(path.join(hostDir, 'etc-vz/conf', `${ct.ctid}.conf`), containerConfig(ct));
    if (ct.running) writeFileSync(path.join(hostDir, 'vz/lab/running', String(ct.ctid)), '');
    usage[ct.ctid] = measureTree(priv);
  }
  writeFileSync(path.join(hostDir, 'vz/lab/usage.json'), JSON.stringify(usage));
}

function keygen(file: string, comment: string): void {
  if (existsSync(file)) return;
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

/** RFC 4180: quote a field that holds a comma, a quote or a line break */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The customers of the fleet, as the engineer would upload them (some rows by hostname). */
export function customersCsv(plans: ContainerPlan[]): string {
  const rows = plans.map((p) => {
    const c = p.customer;
    return [
      p.csvByHostname ? '' : String(p.ctid),
      p.csvByHostname ? p.hostname : '',
      c.name,
      c.email,
      c.timezone,
      c.window ?? '',
    ]
      .map(csvField)
      .join(',');
  });
  return `ctid,hostname,customer,email,timezone,downtime_window\n${rows.join('\n')}\n`;
}
