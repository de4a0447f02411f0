// Inventory writes against a real PostgreSQL: idempotent re-import, exact
// replacement of IPs and NICs, vanished containers flagged (never deleted),
// bad data changing nothing, and the host key life cycle.
import type { InventoryContainer } from '@vzferry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptHostKey,
  applyInventory,
  createInventoryImport,
  recordHostKeySeen,
  startInventoryImport,
} from '../src/index';
import { createTestDatabase, sampleInventoryContainer, type TestDatabase } from '../src/testing';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase('inventory');
});
afterAll(async () => {
  await t?.drop();
});

let hostSeq = 0;
async function newHost() {
  return t.prisma.sourceHost.create({
    data: { name: `hv${++hostSeq}`, address: '127.0.0.1', privateKeyEnc: 'v1:x:y:z' },
  });
}

const ct = (ctid: number, over: Partial<InventoryContainer> = {}) =>
  sampleInventoryContainer(ctid, {
    hostname: `ct${ctid}.example.com`,
    ostemplate: 'centos-6-x86_64',
    diskUsedKb: 1234567n,
    inodesUsed: 4000n,
    inodesLimit: 200000n,
    cpus: 2,
    nameservers: ['8.8.8.8'],
    ips: [{ address: `10.0.${Math.floor(ctid / 250)}.${ctid % 250}`, family: 4, prefix: 24 }],
    ...over,
  });

async function runImport(hostId: string, list: unknown) {
  const imp = await createInventoryImport(t.db, hostId, 'test');
  await startInventoryImport(t.db, imp.id);
  const counts = await applyInventory(t.db, hostId, imp.id, list);
  return { counts, row: await t.prisma.inventoryImport.findUniqueOrThrow({ where: { id: imp.id } }) };
}

const snapshot = async (hostId: string) =>
  t.prisma.container.findMany({
    where: { sourceHostId: hostId },
    orderBy: { sourceCtid: 'asc' },
    include: { ips: { orderBy: { position: 'asc' } }, nics: true },
  });

describe('applyInventory', () => {
  it("re-import updates a container's IPs and never duplicates it; vanished ones are flagged, then unflagged", async () => {
    const host = await newHost();
    const first = await runImport(host.id, [
      ct(101, {
        ips: [
          { address: '10.0.0.101', family: 4, prefix: 24 },
          { address: '2001:db8::101', family: 6, prefix: null },
        ],
      }),
      ct(102, { nics: [{ name: 'eth0', mac: '00:18:51:00:00:01', hostIfname: 'veth102.0', bridge: 'vmbr0' }] }),
      ct(103),
    ]);
    expect(first.counts).toEqual({ seen: 3, created: 3, updated: 0, vanished: 0, reappeared: 0 });
    expect(first.row).toMatchObject({
      status: 'succeeded',
      progressPercent: 100,
      containersSeen: 3,
      created: 3,
      updated: 0,
      vanished: 0,
    });
    const before = await snapshot(host.id);
    expect(before[0]!.ips.map((i) => [i.address, i.family, i.prefix, i.position])).toEqual([
      ['10.0.0.101', 4, 24, 0],
      ['2001:db8::101', 6, null, 1],
    ]);
    expect(before[1]!.nics).toMatchObject([{ name: 'eth0', mac: '00:18:51:00:00:01', bridge: 'vmbr0' }]);
    expect(before[0]!.diskQuotaKb).toBe(10485760n);

    // 101 loses its IPv6 and gains another IPv4, 102 drops its NIC, 103 vanishes
    const second = await runImport(host.id, [
      ct(101, {
        hostname: 'renamed.example.com',
        status: 'stopped',
        ips: [
          { address: '10.0.0.101', family: 4, prefix: 24 },
          { address: '10.0.9.9', family: 4, prefix: null },
        ],
      }),
      ct(102),
    ]);
    expect(second.counts).toEqual({ seen: 2, created: 0, updated: 2, vanished: 1, reappeared: 0 });
    const after = await snapshot(host.id);
    expect(after).toHaveLength(3);
    expect(after.map((c) => c.id)).toEqual(before.map((c) => c.id));
    expect(after[0]).toMatchObject({ hostname: 'renamed.example.com', status: 'stopped', vanishedAt: null });
    expect(after[0]!.ips.map((i) => i.address)).toEqual(['10.0.0.101', '10.0.9.9']);
    expect(after[1]!.nics).toEqual([]);
    expect(after[2]!.vanishedAt).toBeInstanceOf(Date);

    const third = await runImport(host.id, [ct(101), ct(102), ct(103)]);
    expect(third.counts).toEqual({ seen: 3, created: 0, updated: 3, vanished: 0, reappeared: 1 });
    expect(third.row.message).toMatch(/1 back again/);
    const again = await snapshot(host.id);
    expect(again.map((c) => c.vanishedAt)).toEqual([null, null, null]);
    expect(await t.prisma.containerIp.count({ where: { container: { sourceHostId: host.id } } })).toBe(3);
  });

  it('keeps hosts apart: the same CTID on two hosts is two containers', async () => {
    const [a, b] = [await newHost(), await newHost()];
    await runImport(a.id, [ct(101)]);
    await runImport(b.id, [ct(101)]);
    expect(await t.prisma.container.count({ where: { sourceCtid: 101, sourceHostId: { in: [a.id, b.id] } } })).toBe(2);
    await runImport(b.id, []);
    expect((await snapshot(a.id))[0]!.vanishedAt).toBeNull();
    expect((await snapshot(b.id))[0]!.vanishedAt).toBeInstanceOf(Date);
  });

  it('bad data fails the import with the reason and changes nothing', async () => {
    const host = await newHost();
    await runImport(host.id, [ct(101), ct(102)]);
    const before = await snapshot(host.id);
    const bad: [unknown, RegExp][] = [
      [[ct(101), ct(101)], /container 101 ctid: container 101 is listed twice/],
      [[ct(101, { ips: [{ address: '10.0.0.1', family: 5 as 4, prefix: null }] })], /container 101 ips\.0\.family/],
      [[ct(101), { ...ct(102), status: 'exploded' }], /container 102 status/],
      [[{ ctid: -1 }], /ctid/],
      ['not a list', /nothing changed/],
    ];
    for (const [list, reason] of bad) {
      const imp = await createInventoryImport(t.db, host.id, 'test');
      await startInventoryImport(t.db, imp.id);
      await expect(applyInventory(t.db, host.id, imp.id, list)).rejects.toThrow(reason);
      const row = await t.prisma.inventoryImport.findUniqueOrThrow({ where: { id: imp.id } });
      expect(row.status).toBe('failed');
      expect(row.error).toMatch(reason);
      expect((await t.prisma.sourceHost.findUniqueOrThrow({ where: { id: host.id } })).lastError).toMatch(reason);
      expect(await snapshot(host.id)).toEqual(before);
    }
  });

  it('imports 3,000 containers in one go, and again', async () => {
    const host = await newHost();
    const list = Array.from({ length: 3000 }, (_, i) =>
      ct(1000 + i, {
        nameservers: ['8.8.8.8', '1.1.1.1'],
        ips: [
          { address: `10.${Math.floor(i / 250)}.${i % 250}.1`, family: 4, prefix: 24 },
          { address: `2001:db8::${i.toString(16)}`, family: 6, prefix: 64 },
        ],
      }),
    );
    let started = Date.now();
    const first = await runImport(host.id, list);
    const firstMs = Date.now() - started;
    started = Date.now();
    const second = await runImport(host.id, list.slice(0, 2990));
    const secondMs = Date.now() - started;
    console.log(`applyInventory: 3,000 containers (6,000 IPs) new in ${firstMs} ms, re-import in ${secondMs} ms`);
    expect(first.counts.created).toBe(3000);
    expect(second.counts).toEqual({ seen: 2990, created: 0, updated: 2990, vanished: 10, reappeared: 0 });
    expect(await t.prisma.container.count({ where: { sourceHostId: host.id } })).toBe(3000);
    expect(await t.prisma.containerIp.count({ where: { container: { sourceHostId: host.id } } })).toBe(6000);
  });

  it('two imports of one host at once both finish, one after the other, without duplicates', async () => {
    const host = await newHost();
    const list = Array.from({ length: 300 }, (_, i) => ct(i + 1));
    const results = await Promise.all([runImport(host.id, list), runImport(host.id, list)]);
    expect(results.map((r) => r.counts.created).sort()).toEqual([0, 300]);
    expect(await t.prisma.container.count({ where: { sourceHostId: host.id } })).toBe(300);
  });
});

const KEY_A = {
  fingerprint: `SHA256:${'A'.repeat(43)}`,
  algorithm: 'ssh-ed25519',
  publicKey: 'AAAAC3NzaC1lZDI1NTE5AAAAIA==',
};
const KEY_B = {
  fingerprint: `SHA256:${'B'.repeat(43)}`,
  algorithm: 'ssh-ed25519',
  publicKey: 'AAAAC3NzaC1lZDI1NTE5AAAAIB==',
};

describe('host keys', () => {
  it('first contact leaves the key pending until that exact fingerprint is accepted', async () => {
    const host = await newHost();
    expect(await recordHostKeySeen(t.db, host.id, KEY_A)).toBe('pending');
    expect(await t.prisma.sourceHost.findUniqueOrThrow({ where: { id: host.id } })).toMatchObject({
      hostKeyState: 'pending',
      pendingHostKeyFingerprint: KEY_A.fingerprint,
      hostKeyFingerprint: null,
    });
    await expect(acceptHostKey(t.db, host.id, KEY_B.fingerprint)).rejects.toThrow(
      /cannot accept .* the host now presents SHA256:AAAA/,
    );
    const accepted = await acceptHostKey(t.db, host.id, KEY_A.fingerprint);
    expect(accepted).toMatchObject({
      hostKeyState: 'accepted',
      hostKeyFingerprint: KEY_A.fingerprint,
      hostKeyAlgorithm: 'ssh-ed25519',
      hostPublicKey: KEY_A.publicKey,
      pendingHostKeyFingerprint: null,
    });
    await expect(acceptHostKey(t.db, host.id, KEY_A.fingerprint)).rejects.toThrow(/no key is waiting/);
  });

  it('a changed key keeps the accepted one pinned, waits as pending and says so on the host', async () => {
    const host = await newHost();
    await recordHostKeySeen(t.db, host.id, KEY_A);
    await acceptHostKey(t.db, host.id, KEY_A.fingerprint);
    expect(await recordHostKeySeen(t.db, host.id, KEY_A)).toBe('accepted');
    expect(await recordHostKeySeen(t.db, host.id, KEY_B)).toBe('changed');
    const row = await t.prisma.sourceHost.findUniqueOrThrow({ where: { id: host.id } });
    expect(row).toMatchObject({
      hostKeyState: 'accepted',
      hostKeyFingerprint: KEY_A.fingerprint,
      pendingHostKeyFingerprint: KEY_B.fingerprint,
    });
    expect(row.lastError).toMatch(/host key changed: hv\d+ now presents SHA256:BBBB.*but SHA256:AAAA.* is accepted/);
    await acceptHostKey(t.db, host.id, KEY_B.fingerprint);
    expect(await t.prisma.sourceHost.findUniqueOrThrow({ where: { id: host.id } })).toMatchObject({
      hostKeyFingerprint: KEY_B.fingerprint,
      lastError: null,
    });
  });

  it('refuses a malformed key', async () => {
    const host = await newHost();
    await expect(recordHostKeySeen(t.db, host.id, { ...KEY_A, fingerprint: 'MD5:aa:bb' })).rejects.toThrow(/SHA256/);
  });
});
