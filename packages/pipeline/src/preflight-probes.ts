// The two preflight checks that ask the outside world: which route the
// kernel picks to a source host, and whether a container's IPs are taken in
// their CloudStack networks.
import type { Executor } from '@vzferry/core';
import type { Finding } from '@vzferry/cloudstack';
import type { PlannedNic } from './nic-plan';
import type { CloudStackSession } from './stage-deps';

export async function routeTo(local: Executor, address: string): Promise<{ dev: string; via: string | null }> {
  const { stdout } = await local.exec(['ip', 'route', 'get', address], { timeoutMs: 10_000 });
  const dev = /\bdev (\S+)/.exec(stdout)?.[1];
  if (!dev) throw new Error(`cannot read the route to ${address} from: ${stdout.trim()}`);
  return { dev, via: /\bvia (\S+)/.exec(stdout)?.[1] ?? null };
}

/** Every planned IP must be free in its network, or held by this run's own VM (a retry). */
export async function ipsInUse(
  cs: CloudStackSession,
  nics: readonly PlannedNic[],
  ownVmName: string,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const vms = (await cs.client.listVirtualMachines({ zoneId: cs.zoneId })).filter((vm) => vm.name !== ownVmName);
  for (const nic of nics) {
    const taken = new Map<string, string>();
    for (const vm of vms) {
      for (const n of vm.nic) {
        if (n.networkid !== nic.network.cloudstackNetworkId) continue;
        if (n.ipaddress) taken.set(n.ipaddress, vm.name);
        for (const s of n.secondaryip ?? []) if (s.ipaddress) taken.set(s.ipaddress, vm.name);
      }
    }
    const wanted = [nic.primary.address, ...nic.extra.map((e) => e.address)];
    const clashes = wanted.filter((ip) => taken.has(ip));
    findings.push(
      clashes.length
        ? {
            ok: false,
            code: 'ips_free',
            message: `${clashes.map((ip) => `${ip} is used by VM ${taken.get(ip)}`).join(', ')} in network ${nic.network.name}`,
          }
        : { ok: true, code: 'ips_free', message: `${wanted.join(', ')} free in network ${nic.network.name}` },
    );
  }
  return findings;
}
