// A fresh lab CloudStack: one Advanced zone with shared guest networks for the
// lab's source subnets, offerings, OS types, global settings with the real
// names and defaults, two image stores and an admin with API keys.
import { randomBytes, randomUUID } from 'node:crypto';
import type { LabConfiguration, LabState } from './state';
import { formatDate } from './time';

/** AccountManagerImpl.createUserApiKey: 64 random bytes, base64url without padding (86 characters). */
export function generateApiKey(): string {
  return randomBytes(64).toString('base64url');
}

const GIB = 1024 ** 3;
const TIB = 1024 * GIB;

function setting(
  name: string,
  value: string | null,
  category: string,
  type: string,
  isdynamic: boolean,
  description: string,
): LabConfiguration {
  return { name, value, defaultvalue: value, category, type, isdynamic, description };
}

/** Names, categories, defaults and descriptions: server/.../configuration/Config.java and the ConfigKey declarations. */
function seedConfigurations(): LabConfiguration[] {
  return [
    setting(
      'max.template.iso.size',
      '50',
      'Advanced',
      'Long',
      false,
      'The maximum size for a downloaded template or ISO (in GB).',
    ),
    setting('storage.max.volume.size', '2000', 'Storage', 'Long', true, 'The maximum size for a volume (in GB).'),
    setting(
      'storage.max.volume.upload.size',
      '500',
      'Storage',
      'Integer',
      false,
      'The maximum size for a uploaded volume(in GB).',
    ),
    setting(
      'secstorage.allowed.internal.sites',
      null,
      'Advanced',
      'String',
      false,
      'Comma separated list of cidrs internal to the datacenter that can host template download servers, please note 0.0.0.0 is not a valid site',
    ),
    setting(
      'secstorage.session.max',
      '50',
      'Advanced',
      'Integer',
      false,
      'The max number of command execution sessions that a SSVM can handle',
    ),
    setting(
      'secstorage.capacity.standby',
      '10',
      'Advanced',
      'Integer',
      false,
      'The minimal number of command execution sessions that system is able to serve immediately(standby capacity)',
    ),
    setting(
      'secstorage.max.migrate.sessions',
      '2',
      'Advanced',
      'Integer',
      false,
      'The max number of concurrent copy command execution sessions that an SSVM can handle',
    ),
    setting(
      'secstorage.cmd.execution.time.max',
      '30',
      'Advanced',
      'Integer',
      false,
      'The max command execution time in minute',
    ),
    setting(
      'secstorage.service.offering',
      null,
      'Advanced',
      'String',
      false,
      'Uuid of the service offering used by secondary storage; if NULL - system offering will be used',
    ),
    setting(
      'secstorage.encrypt.copy',
      'false',
      'Advanced',
      'Boolean',
      false,
      'Use SSL method used to encrypt copy traffic between zones. Also ensures that the certificate assigned to the zone is used when generating links for external access.',
    ),
    setting(
      'secstorage.ssl.cert.domain',
      '',
      'Advanced',
      'String',
      false,
      'SSL certificate used to encrypt copy traffic between zones',
    ),
    setting(
      'upload.operation.timeout',
      '60',
      'Advanced',
      'Integer',
      true,
      'Time (in minutes) to wait before abandoning volume upload using HTTP POST request',
    ),
    setting(
      'upload.monitoring.interval',
      '60',
      'Advanced',
      'Integer',
      true,
      'Interval (in seconds) to check the status of volumes that are uploaded using HTTP POST request',
    ),
    setting(
      'storage.stats.interval',
      '60000',
      'Storage',
      'String',
      false,
      'The interval (in milliseconds) when storage stats (per host) are retrieved from agents.',
    ),
    setting(
      'zone.secstorage.capacity.notificationthreshold',
      '0.75',
      'Alert',
      'Float',
      false,
      'Percentage (as a value between 0 and 1) of secondary storage utilization above which alerts will be sent about low storage available.',
    ),
  ];
}

const OS_TYPES: Record<string, string[]> = {
  CentOS: [
    'CentOS 4.5 (64-bit)',
    'CentOS 4.6 (64-bit)',
    'CentOS 4.7 (64-bit)',
    'CentOS 4.8 (64-bit)',
    'CentOS 5.5 (64-bit)',
    'CentOS 5.6 (64-bit)',
    'CentOS 5.8 (64-bit)',
    'CentOS 5.10 (64-bit)',
    'CentOS 5.11 (64-bit)',
    'CentOS 6.5 (64-bit)',
    'CentOS 6.8 (64-bit)',
    'CentOS 6.10 (64-bit)',
    'CentOS 7',
  ],
  Ubuntu: [
    'Ubuntu 10.04 (64-bit)',
    'Ubuntu 12.04 (64-bit)',
    'Ubuntu 14.04 (64-bit)',
    'Ubuntu 16.04 (64-bit)',
    'Ubuntu 18.04 LTS',
  ],
  Debian: [
    'Debian GNU/Linux 6(64-bit)',
    'Debian GNU/Linux 7(64-bit)',
    'Debian GNU/Linux 8 (64-bit)',
    'Debian GNU/Linux 9 (64-bit)',
    'Debian GNU/Linux 10 (64-bit)',
    'Debian GNU/Linux 11 (64-bit)',
    'Debian GNU/Linux 12 (64-bit)',
  ],
  // IDE-era types: the KVM agent gives these guests IDE disks and an e1000 NIC (LibvirtComputingResource.isGuestPVEnabled)
  Other: ['Other Linux (64-bit)', 'Other (64-bit)', 'Other PV (64-bit)', 'Other PV Virtio-SCSI (64-bit)'],
};

const OFFERINGS: [string, number, number][] = [
  ['Tiny Instance', 1, 512],
  ['Small Instance', 1, 1024],
  ['Medium Instance', 2, 2048],
  ['Large Instance', 4, 4096],
  ['XLarge Instance', 8, 8192],
  ['XXLarge Instance', 16, 16384],
];

/** Shared guest networks for the lab's source subnets (the customers keep their addresses). */
const NETWORKS = [
  {
    name: 'lab-vlan20',
    cidr: '10.20.0.0/24',
    gateway: '10.20.0.1',
    vlan: '20',
    range: ['10.20.0.2', '10.20.0.254'],
    ip6cidr: '2001:db8:20::/64',
    ip6gateway: '2001:db8:20::1',
  },
  { name: 'lab-vlan30', cidr: '10.30.0.0/24', gateway: '10.30.0.1', vlan: '30', range: ['10.30.0.2', '10.30.0.254'] },
  {
    name: 'lab-public-198.51.100',
    cidr: '198.51.100.0/24',
    gateway: '198.51.100.1',
    vlan: '100',
    range: ['198.51.100.2', '198.51.100.254'],
  },
  { name: 'lab-debian-10.0.2', cidr: '10.0.2.0/24', gateway: '10.0.2.2', vlan: '2', range: ['10.0.2.3', '10.0.2.254'] },
  // the lab fleet's own subnets (apps/lab/src/openvz/plan.ts): the seeded demo maps them one to one
  ...[10, 11, 12, 13].map((b) => ({
    name: `lab-fleet-10.${b}`,
    cidr: `10.${b}.0.0/16`,
    gateway: `10.${b}.0.1`,
    vlan: String(100 + b),
    range: [`10.${b}.0.2`, `10.${b}.255.254`],
  })),
  {
    name: 'lab-fleet-172.20',
    cidr: '172.20.0.0/16',
    gateway: '172.20.0.1',
    vlan: '120',
    range: ['172.20.0.2', '172.20.255.254'],
  },
];

export function seedState(now = new Date()): LabState {
  let dbId = 200;
  const created = formatDate(now);
  const categories = Object.keys(OS_TYPES).map((name) => ({ id: randomUUID(), name }));
  return {
    version: 1,
    nextDbId: 1000,
    users: [
      {
        id: randomUUID(),
        username: 'admin',
        apiKey: generateApiKey(),
        secretKey: generateApiKey(),
        accountId: randomUUID(),
        accountName: 'admin',
        domainId: randomUUID(),
        enabled: true,
      },
    ],
    zone: {
      id: randomUUID(),
      name: 'lab-zone1',
      dns1: '8.8.8.8',
      dns2: '8.8.4.4',
      internaldns1: '10.1.1.1',
      guestcidraddress: '10.1.0.0/16',
    },
    domain: { id: randomUUID(), name: 'ROOT' },
    networks: NETWORKS.map((n) => ({
      id: randomUUID(),
      dbId: ++dbId,
      name: n.name,
      displaytext: `Shared network ${n.cidr} (VLAN ${n.vlan})`,
      cidr: n.cidr,
      gateway: n.gateway,
      vlan: n.vlan,
      ipRanges: [{ start: n.range[0]!, end: n.range[1]! }],
      ...(n.ip6cidr ? { ip6cidr: n.ip6cidr, ip6gateway: n.ip6gateway } : {}),
      macSeq: 0,
    })),
    serviceOfferings: OFFERINGS.map(([name, cpus, memory]) => ({
      id: randomUUID(),
      name,
      displaytext: `${name}, ${cpus} CPU x 2.0 GHz, ${memory} MB`,
      cpunumber: cpus,
      cpuspeed: 2000,
      memory,
      created,
    })),
    osCategories: categories,
    osTypes: categories.flatMap((cat) =>
      (OS_TYPES[cat.name] ?? []).map((description) => ({
        id: randomUUID(),
        dbId: ++dbId,
        description,
        oscategoryid: cat.id,
      })),
    ),
    configurations: seedConfigurations(),
    imageStores: [
      {
        id: randomUUID(),
        dbId: 1,
        name: 'nfs-sec1',
        url: 'nfs://10.1.1.20/export/secondary1',
        totalBytes: 8 * TIB,
        baseUsedBytes: Math.round(2.5 * TIB),
        readonly: false,
      },
      {
        id: randomUUID(),
        dbId: 2,
        name: 'nfs-sec2',
        url: 'nfs://10.1.1.21/export/secondary2',
        totalBytes: 8 * TIB,
        baseUsedBytes: Math.round(3.1 * TIB),
        readonly: false,
      },
    ],
    templates: [],
    vms: [],
    expungedVmIds: [],
    jobs: [],
  };
}
