// The demo's mappings, made from what the lab's CloudStack lists, as an
// engineer would fill in Settings > Mappings: every shared network by its
// CIDR, every service offering by its RAM and cores, and for every OS the
// lab's containers run the OS type CloudStack names for it (the newest
// point release of that major version; grub-legacy CentOS also gets an
// IDE-era type for its boot-ISO run). Only when no mapping exists yet: an
// engineer's own mappings are never overwritten.
import type { Network, OsType, ServiceOffering } from '@vzferry/cloudstack';
import type { Mappings } from '@vzferry/db';
import { usesLegacyGrub } from '@vzferry/guest';

/** grub-legacy guests boot the boot ISO as this IDE-era type first (IDE disk, e1000) */
const LEGACY_OS_TYPE = 'Other Linux (64-bit)';

/** distribution -> the name CloudStack's OS types use */
const OS_NAMES: Record<string, string> = { centos: 'CentOS', ubuntu: 'Ubuntu', debian: 'Debian GNU/Linux' };

export function labMappings(
  cs: { networks: Network[]; offerings: ServiceOffering[]; osTypes: OsType[] },
  oses: Array<{ distribution: string; version: string }>,
): Mappings {
  return {
    // a dual-stack network is mapped twice: its IPv4 subnet with gateway, its IPv6 subnet with ip6gateway
    networks: cs.networks.flatMap((n) =>
      [
        [n.cidr, n.gateway, n.name],
        [n.ip6cidr, n.ip6gateway, `${n.name} (IPv6)`],
      ].flatMap(([cidr, gateway, name]) =>
        cidr
          ? [
              {
                name: name!,
                cidr,
                gateway: gateway ?? null,
                sourceVlan: null,
                cloudstackNetworkId: n.id,
                cloudstackNetworkName: n.name,
              },
            ]
          : [],
      ),
    ),
    offerings: cs.offerings.map((o) => ({
      maxRamMb: o.memory,
      maxCpus: o.cpunumber,
      serviceOfferingId: o.id,
      serviceOfferingName: o.name,
    })),
    osTypes: unique(oses).flatMap((os) => {
      const t = osTypeFor(cs.osTypes, os);
      const legacy =
        os.distribution === 'centos' && usesLegacyGrub({ distribution: 'centos', version: os.version })
          ? cs.osTypes.find((o) => o.description === LEGACY_OS_TYPE)
          : undefined;
      return t
        ? [
            {
              distribution: os.distribution,
              version: os.version,
              osTypeId: t.id,
              osTypeName: t.description,
              legacyOsTypeId: legacy?.id ?? null,
              legacyOsTypeName: legacy?.description ?? null,
            },
          ]
        : [];
    }),
  };
}

/** "CentOS 6.10 (64-bit)" for centos 6, "Ubuntu 18.04 LTS" for ubuntu 18.04, "Debian GNU/Linux 7(64-bit)" for debian 7 */
export function osTypeFor(osTypes: OsType[], os: { distribution: string; version: string }): OsType | null {
  const name = OS_NAMES[os.distribution];
  if (!name) return null;
  const re = new RegExp(`^${name.replaceAll('/', '\\/')} ${os.version.replaceAll('.', '\\.')}(\\.(\\d+))?(\\b|\\()`);
  const matches = osTypes.filter((t) => re.test(t.description));
  const minor = (t: OsType) => Number(re.exec(t.description)?.[2] ?? -1);
  return matches.sort((a, b) => minor(b) - minor(a))[0] ?? null;
}

function unique<T extends { distribution: string; version: string }>(oses: T[]): T[] {
  const seen = new Map(oses.map((o) => [`${o.distribution} ${o.version}`, o]));
  return [...seen.values()];
}
