// The migration lab in one call: build the simulated OpenVZ hypervisors (or
// reuse the build in `dir`), start an sshd per hypervisor and the CloudStack
// simulator, write the manifest, and keep the running containers changing.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startCloudStack, type LabCloudStack } from './cloudstack';
import { writeLabManifest, type LabManifest } from './manifest';
import { buildHypervisors, labLayout, readBuildInfo } from './openvz/build';
import { bundleTools } from './openvz/bundle-tools';
import { startChurn } from './openvz/churn';
import { freePort } from '@vzferry/ssh/free-port';
import { startHypervisor, type Hypervisor } from './openvz/hypervisor';
import { makeHostileCanary } from './openvz/hostile';

export { DEFAULT_DOWNLOAD_RATE } from './cloudstack';
export { readLabManifest, type LabManifest } from './manifest';
export { CANARY_FILES, HOSTILE_REPORT_DIR, hostileLinks, makeHostileCanary } from './openvz/hostile';
export { HOSTILE_CTID, HOSTILE_IP } from './openvz/plan';
export { installBootPackages } from './openvz/guest-tree';

export interface StartLabOptions {
  dir: string;
  hosts?: number;
  containers?: number;
  /** the real Debian 12 container (slow to build the first time) */
  debian12?: boolean;
  /** the hostile container (apps/lab/src/openvz/hostile.ts); default true */
  hostile?: boolean;
  /**
   * the directory its links lead to (default <dir>/hostile-canary): a test
   * makes its own (makeHostileCanary) and checks it; the lab makes what is missing
   */
  hostileCanary?: string;
  /** 0-14: this lab's block of fleet addresses (FleetOptions.addressBlock); default 0 */
  addressBlock?: number;
  /** delete the lab's state and build it again */
  reset?: boolean;
  /** first hypervisor's SSH port, the next ones follow; 0 = free ports */
  sshPort?: number;
  /** CloudStack simulator port; 0 = a free port, null = no CloudStack */
  cloudstackPort?: number | null;
  churn?: boolean;
  /** each image store's download rate in bytes/s (default 25 MB/s, an untuned SSVM); 0 = unlimited */
  cloudstackDownloadRate?: number;
  /** the CloudStack VMs' addresses answer pings (a network namespace; root) */
  vmNetwork?: boolean;
  log?: (line: string) => void;
}

export interface RunningLab {
  manifest: LabManifest;
  cloudstack: LabCloudStack | null;
  stop(): Promise<void>;
}

export async function startLab(opts: StartLabOptions): Promise<RunningLab> {
  const log = opts.log ?? (() => undefined);
  const fleet = {
    hosts: opts.hosts ?? 3,
    containers: opts.containers ?? 200,
    debian12: opts.debian12 ?? true,
    hostile: opts.hostile ?? true,
    addressBlock: opts.addressBlock ?? 0,
  };
  const layout = labLayout(opts.dir);
  const canary = opts.hostileCanary ?? path.join(layout.dir, 'hostile-canary');
  const built = readBuildInfo(layout.dir);
  const same =
    built &&
    built.hosts === fleet.hosts &&
    built.containers === fleet.containers &&
    built.debian12 === fleet.debian12 &&
    (built.hostile ?? false) === fleet.hostile &&
    (built.addressBlock ?? 0) === fleet.addressBlock &&
    (!fleet.hostile || built.hostileCanary === canary);
  if (opts.reset || !same) {
    if (built) log(opts.reset ? 'reset: deleting the lab' : 'the lab was built with other options: rebuilding');
    for (const entry of safeList(layout.dir)) rmSync(path.join(layout.dir, entry), { recursive: true, force: true });
    await buildHypervisors(layout.dir, fleet, log, canary);
  }
  // the test's own canary is made by the test before it looks at it; this adds nothing to one that exists
  if (fleet.hostile) makeHostileCanary(canary);
  const info = readBuildInfo(layout.dir)!;
  const binDir = path.join(layout.dir, 'bin');
  bundleTools(binDir);

  const hypervisors: Hypervisor[] = [];
  const stopAll = async () => {
    churn?.stop();
    await Promise.all(hypervisors.map((h) => h.stop()));
    await cloudstack?.stop();
  };
  let churn: { stop(): void } | null = null;
  let cloudstack: LabCloudStack | null = null;
  try {
    const authorizedKey = readFileSync(`${layout.clientKey}.pub`, 'utf8');
    for (const [i, name] of info.hostNames.entries()) {
      const base = opts.sshPort ?? 2201;
      const port = base === 0 ? await freePort() : base + i;
      hypervisors.push(await startHypervisor({ name, hostDir: layout.hostDir(name), binDir, port, authorizedKey }));
    }
    if (opts.cloudstackPort !== null)
      cloudstack = await startCloudStack({
        dir: layout.dir,
        port: opts.cloudstackPort ?? 8080,
        vmNetwork: opts.vmNetwork ?? false,
        downloadRateBytesPerSec: opts.cloudstackDownloadRate,
        log,
      });
    if (opts.churn ?? true) churn = startChurn(info.hostNames.map((n) => layout.hostDir(n)));
    const manifest: LabManifest = {
      startedAt: new Date().toISOString(),
      hypervisors: hypervisors.map((h) => {
        const hostDir = layout.hostDir(h.name);
        const [algorithm, fingerprint] = hostKey(path.join(hostDir, 'ssh/ssh_host_ed25519_key.pub'));
        return {
          name: h.name,
          address: '127.0.0.1',
          port: h.port,
          username: 'root',
          privateKeyPath: layout.clientKey,
          hostKeyFingerprint: fingerprint,
          hostKeyAlgorithm: algorithm,
          containers: readdirSync(path.join(hostDir, 'etc-vz/conf')).filter((f) => f.endsWith('.conf')).length,
        };
      }),
      cloudstack: cloudstack && {
        endpoint: cloudstack.endpoint,
        adminUrl: cloudstack.adminUrl,
        apiKey: cloudstack.apiKey,
        secretKey: cloudstack.secretKey,
        zoneId: cloudstack.zoneId,
      },
      customersCsv: layout.customersCsv,
    };
    writeLabManifest(layout.dir, manifest);
    return { manifest, cloudstack, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** [algorithm, "SHA256:..."] as ssh-keygen -lf prints them */
function hostKey(pubFile: string): [string, string] {
  const algorithm = readFileSync(pubFile, 'utf8').split(' ')[0]!;
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubFile], { encoding: 'utf8' }).split(
    ' ',
  )[1]!;
  return [algorithm, fingerprint];
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
