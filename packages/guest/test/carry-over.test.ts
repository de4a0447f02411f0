// The customer's own network settings survive the conversion (issue 12,
// item 4): for each case of test/carry-over, the plan must write every file
// of <case>/expected exactly. The expected files were written by hand from
// vzctl's scripts and the distributions' documentation (test/carry-over/README.md).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planConversion, type GuestNetwork } from '../src/index';
import { carryOverCase, CARRY_OVER_DIR as DIR, ROOT_UUID } from './support/fixtures';

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `/${path.relative(root, path.join(e.parentPath, e.name))}`)
    .sort();
}

const ipv4Only = {
  hostname: 'ct101.example.net',
  nameservers: ['8.8.8.8'],
  searchDomains: ['example.net'],
  nics: [
    {
      device: 'eth0',
      ipv4: [{ address: '198.51.100.10', prefix: 24 }],
      ipv6: [],
      gateway: '198.51.100.1',
      ipv6Gateway: null,
    },
  ],
} satisfies GuestNetwork;

const dualStack = {
  ...ipv4Only,
  nics: [{ ...ipv4Only.nics[0]!, ipv6: [{ address: '2001:db8::10', prefix: 64 }], ipv6Gateway: '2001:db8::1' }],
} satisfies GuestNetwork;

// guest: the case whose guest/ files are used (by default the case's own)
const CASES: Array<{ id: string; os: string; network: GuestNetwork; removed: string[]; guest?: string }> = [
  { id: 'debian-12-tail', os: 'debian-12', network: ipv4Only, removed: [] },
  { id: 'debian-12-dual-stack', os: 'debian-12', network: dualStack, removed: [] },
  // netplan: the customer's other stanzas stay in ifupdown's file, the IPv6 gateway is netplan's gateway6
  { id: 'ubuntu-18.04-tail', guest: 'debian-12-tail', os: 'ubuntu-18.04', network: ipv4Only, removed: [] },
  { id: 'ubuntu-18.04-dual-stack', guest: 'debian-12-dual-stack', os: 'ubuntu-18.04', network: dualStack, removed: [] },
  {
    id: 'centos-6-routes',
    os: 'centos-6',
    network: ipv4Only,
    removed: ['ifcfg-venet0', 'ifcfg-venet0:0', 'route-venet0'],
  },
  {
    id: 'centos-7-dual-stack',
    os: 'centos-7',
    network: dualStack,
    removed: ['ifcfg-venet0', 'ifcfg-venet0:0', 'route-venet0', 'route6-venet0'],
  },
];

describe('the customer network settings carried into the VM (hand-written goldens)', () => {
  for (const c of CASES) {
    it(c.id, () => {
      const files = carryOverCase(c.guest ?? c.id, c.os);
      const plan = planConversion({ files, network: c.network, rootUuid: ROOT_UUID });
      const expectedRoot = path.join(DIR, c.id, 'expected');
      for (const file of filesUnder(expectedRoot)) {
        const written = plan.write.find((w) => w.path === file);
        expect(written?.content, file).toBe(readFileSync(path.join(expectedRoot, file), 'utf8'));
      }
      const scripts = '/etc/sysconfig/network-scripts';
      // nothing more in the network scripts than the expected files (no route-eth0 of vzctl's own routes)
      const inScripts = (paths: string[]) => paths.filter((p) => p.startsWith(`${scripts}/`));
      expect(inScripts(plan.write.map((w) => w.path))).toEqual(inScripts(filesUnder(expectedRoot)));
      expect(plan.remove.filter((r) => r.startsWith(`${scripts}/`))).toEqual(c.removed.map((f) => `${scripts}/${f}`));
    });
  }
});
