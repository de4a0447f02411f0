// The fixture trees of test/fixtures and the three network scenarios the
// golden tests plan for each OS.
import path from 'node:path';
import { readdirSync } from 'node:fs';
import { treeFiles, type GuestFiles } from '../../src/guest-files';
import type { GuestNetwork } from '../../src/network-model';

export const FIXTURES_DIR = path.resolve(import.meta.dirname, '../fixtures');
export const ROOT_UUID = '0f3c5a6e-8b1d-4c2f-9e7a-1d2b3c4d5e6f';

export function fixtureIds(): string[] {
  return readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function fixture(id: string): GuestFiles {
  return treeFiles(path.join(FIXTURES_DIR, id));
}

const base = { hostname: 'ct101.example.net', nameservers: ['8.8.8.8', '8.8.4.4'], searchDomains: ['example.net'] };

export const SCENARIOS: Record<string, GuestNetwork> = {
  'one-nic-one-ip': {
    ...base,
    nics: [{ device: 'eth0', ipv4: [{ address: '198.51.100.10', prefix: 24 }], ipv6: [], gateway: '198.51.100.1' }],
  },
  'one-nic-three-ips': {
    ...base,
    nics: [
      {
        device: 'eth0',
        ipv4: [
          { address: '198.51.100.10', prefix: 24 },
          { address: '198.51.100.11', prefix: 24 },
          { address: '198.51.100.12', prefix: 24 },
        ],
        ipv6: [],
        gateway: '198.51.100.1',
      },
    ],
  },
  'two-nics': {
    ...base,
    nics: [
      {
        device: 'eth0',
        ipv4: [{ address: '198.51.100.10', prefix: 24 }],
        ipv6: [{ address: '2001:db8::10', prefix: 64 }],
        gateway: '198.51.100.1',
      },
      {
        device: 'eth1',
        ipv4: [
          { address: '203.0.113.20', prefix: 24 },
          { address: '203.0.113.21', prefix: 24 },
        ],
        ipv6: [],
        gateway: '203.0.113.1',
      },
    ],
  },
};

export const CARRY_OVER_DIR = path.resolve(import.meta.dirname, '../carry-over');

/** A carry-over case's guest: the OS fixture with the case's own files over it (test/carry-over/README.md). */
export function carryOverCase(id: string, os: string): GuestFiles {
  const base = fixture(os);
  const top = treeFiles(path.join(CARRY_OVER_DIR, id, 'guest'));
  return {
    read: (f) => top.read(f) ?? base.read(f),
    exists: (f) => top.exists(f) || base.exists(f),
    list: (d) => [...new Set([...base.list(d), ...top.list(d)])].sort(),
  };
}

export { snapshotTree } from './tree-snapshot';
