// Preflight's check of the mappings a container uses against CloudStack's
// listNetworks (issue 12): a blank or mismatching gateway fails with the
// mapping, the field and the reason.
import type { CloudStackClient, Network } from '@vzferry/cloudstack';
import type { RunSnapshot } from '@vzferry/core';
import { describe, expect, it } from 'vitest';
import type { MappedNetwork } from '../nic-plan';
import type { CloudStackSession, TargetMappings } from '../stage-deps';
import { checkMappedNetworks } from './preflight';

// listNetworks as the lab's simulator answers it (apps/lab/src/cloudstack/responses.ts networkResponse)
const network = (id: string, name: string, v4: [string, string], v6?: [string, string]): Network => ({
  id,
  name,
  cidr: v4[0],
  gateway: v4[1],
  ...(v6 && { ip6cidr: v6[0], ip6gateway: v6[1] }),
});
const listed = [
  network('n20', 'lab-vlan20', ['10.20.0.0/24', '10.20.0.1'], ['2001:db8:20::/64', '2001:db8:20::1']),
  network('n30', 'lab-vlan30', ['10.30.0.0/24', '10.30.0.1']),
];
const cs = {
  client: { listNetworks: async () => listed } as unknown as CloudStackClient,
  zoneId: 'z1',
} satisfies CloudStackSession;

const run = (ips: string[]) =>
  ({
    container: { sourceCtid: 101, ips: ips.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })) },
    sourceHost: { name: 'hv1' },
  }) as unknown as RunSnapshot;
const mapping = (cidr: string, id: string, gateway: string | null): MappedNetwork => ({
  name: cidr,
  cidr,
  cloudstackNetworkId: id,
  gateway,
  sourceVlan: null,
});
const mappings = (...networks: MappedNetwork[]) => ({ networks, offerings: [], osTypes: [] }) as TargetMappings;
const signal = new AbortController().signal;

describe("preflight's networks_match check", () => {
  it("passes when every mapping the container uses has CloudStack's gateway and CIDR", async () => {
    const m = mappings(
      mapping('10.20.0.0/24', 'n20', '10.20.0.1'),
      mapping('2001:db8:20::/64', 'n20', '2001:db8:20::1'),
    );
    const finding = await checkMappedNetworks({ run: run(['10.20.0.5', '2001:db8:20::5']), signal }, cs, m);
    expect(finding).toMatchObject({ ok: true, code: 'networks_match' });
  });

  it('fails on a blank gateway and on a wrong one, naming the mapping and the field', async () => {
    const m = mappings(mapping('10.20.0.0/24', 'n20', null), mapping('10.30.0.0/24', 'n30', '10.30.0.254'));
    const finding = await checkMappedNetworks({ run: run(['10.20.0.5', '10.30.0.9']), signal }, cs, m);
    expect(finding).toEqual({
      ok: false,
      code: 'networks_match',
      message:
        "container 101 on hv1: network mapping 10.20.0.0/24 (10.20.0.0/24), gateway: the gateway is empty: the VM would have no default route (CloudStack network lab-vlan20's gateway is 10.20.0.1); " +
        "network mapping 10.30.0.0/24 (10.30.0.0/24), gateway: CloudStack network lab-vlan30's gateway is 10.30.0.1, not 10.30.0.254; fix it under Settings > Networks",
    });
  });

  it('checks only the mappings the container uses', async () => {
    const m = mappings(mapping('10.20.0.0/24', 'n20', '10.20.0.1'), mapping('10.30.0.0/24', 'n30', null));
    expect(await checkMappedNetworks({ run: run(['10.20.0.5']), signal }, cs, m)).toMatchObject({ ok: true });
  });
});
