// A network mapping against the CloudStack network it names (listNetworks):
// the VM gets its default route from the mapping's gateway and its prefix
// from the mapping's CIDR, so both must be CloudStack's own. An IPv4 subnet
// is checked against the network's cidr and gateway, an IPv6 subnet against
// its ip6cidr and ip6gateway (apache/cloudstack NetworkResponse). A blank
// gateway is refused: it would give a VM without a default route.
import { ipToBigInt, parseCidr } from '@vzferry/core';
import type { Network } from '../schemas/infrastructure';

export interface NetworkMappingInput {
  name: string;
  cidr: string;
  gateway?: string | null;
  cloudstackNetworkId: string;
}

export interface MappingProblem {
  field: 'cidr' | 'gateway' | 'cloudstackNetworkId';
  reason: string;
}

export function checkNetworkMapping(mapping: NetworkMappingInput, network: Network | undefined): MappingProblem[] {
  if (!network) {
    return [
      {
        field: 'cloudstackNetworkId',
        reason: `CloudStack lists no network ${mapping.cloudstackNetworkId} in the zone`,
      },
    ];
  }
  const family = parseCidr(mapping.cidr).family;
  const [csCidr, csGateway] = family === 4 ? [network.cidr, network.gateway] : [network.ip6cidr, network.ip6gateway];
  const cidrName = family === 4 ? 'cidr' : 'ip6cidr';
  const gatewayName = family === 4 ? 'gateway' : 'ip6gateway';
  const label = `CloudStack network ${network.name}`;
  const problems: MappingProblem[] = [];
  if (!csCidr) problems.push({ field: 'cidr', reason: `${label} has no IPv${family} subnet (${cidrName})` });
  else if (parseCidr(csCidr).text !== parseCidr(mapping.cidr).text)
    problems.push({ field: 'cidr', reason: `${label} is ${csCidr} (${cidrName}), not ${mapping.cidr}` });
  const gateway = mapping.gateway?.trim() ?? '';
  if (gateway === '')
    problems.push({
      field: 'gateway',
      reason: `the gateway is empty: the VM would have no default route${csGateway ? ` (${label}'s ${gatewayName} is ${csGateway})` : ''}`,
    });
  else if (!csGateway) problems.push({ field: 'gateway', reason: `${label} has no ${gatewayName}` });
  else if (!sameAddress(gateway, csGateway))
    problems.push({ field: 'gateway', reason: `${label}'s ${gatewayName} is ${csGateway}, not ${gateway}` });
  return problems;
}

function sameAddress(a: string, b: string): boolean {
  try {
    return ipToBigInt(a) === ipToBigInt(b) && a.includes(':') === b.includes(':');
  } catch {
    return false;
  }
}

/** Every mapping's problems, each naming the mapping (by its position and name). */
export function checkNetworkMappings(
  mappings: readonly NetworkMappingInput[],
  networks: readonly Network[],
): Array<MappingProblem & { index: number; name: string }> {
  return mappings.flatMap((m, index) =>
    checkNetworkMapping(
      m,
      networks.find((n) => n.id === m.cloudstackNetworkId),
    ).map((p) => ({ ...p, index, name: m.name })),
  );
}
