// The inventory import against the lab's simulated OpenVZ hypervisors (real
// sshd, the lab's vzlist/vzctl and container configs): first contact and key
// acceptance, an import, an idempotent re-import, and a hypervisor whose
// host key changed being refused without touching the inventory.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptHostKey, createInventoryImport, createSourceHost, SecretBox } from '@vzferry/db';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import { startLab, type RunningLab } from '@vzferry/lab';
import { createProducer, createRedis, type Consumer, type Producer } from '@vzferry/queue';
import { startInventoryWorker } from '../src/inventory-worker';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// 32: the veth containers (every 15th) fall on both hypervisors
const FLEET = { hosts: 2, containers: 32, debian12: false };

let t: TestDatabase;
let dir: string;
let lab: RunningLab;
let secrets: SecretBox;
let prefix: string;
let worker: Consumer;
let producer: Producer;

beforeAll(async () => {
  t = await createTestDatabase('labimport');
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-labimport-'));
  lab = await startLab({ dir, ...FLEET, sshPort: 0, cloudstackPort: null, churn: false });
  secrets = new SecretBox(randomBytes(32));
  prefix = `t-labimport-${randomUUID()}`;
  worker = startInventoryWorker({ redisUrl: REDIS_URL, prefix, deps: { db: t.db, secrets, log: () => undefined } });
  producer = createProducer({ redisUrl: REDIS_URL, prefix });
});

afterAll(async () => {
  await worker?.close();
  await producer?.close();
  if (prefix) {
    const redis = createRedis(REDIS_URL, 'producer');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await t?.drop();
});

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runImport(hostId: string) {
  const imp = await createInventoryImport(t.db, hostId, 'test');
  await producer.enqueue('import_inventory', { sourceHostId: hostId, importId: imp.id });
  return until(
    () => t.prisma.inventoryImport.findUniqueOrThrow({ where: { id: imp.id } }),
    (r) => r.status === 'succeeded' || r.status === 'failed',
  );
}

const inventory = (hostId: string) =>
  t.prisma.container.findMany({
    where: { sourceHostId: hostId },
    orderBy: { sourceCtid: 'asc' },
    include: { ips: { orderBy: { position: 'asc' } }, nics: true },
  });

describe('inventory import from the lab hypervisors', () => {
  let hostId: string;

  it('probes the key, imports only after it is accepted, and stores every container with its IPs and VLAN NICs', async () => {
    const hv = lab.manifest.hypervisors[0]!;
    ({ id: hostId } = await createSourceHost(t.db, secrets, {
      name: hv.name,
      address: hv.address,
      port: hv.port,
      username: hv.username,
      privateKey: readFileSync(hv.privateKeyPath, 'utf8'),
    }));
    const early = await runImport(hostId);
    expect(early).toMatchObject({ status: 'failed' });
    expect(early.error).toMatch(/host key/i);

    await producer.enqueue('probe_host_key', { sourceHostId: hostId });
    const probed = await until(
      () => t.prisma.sourceHost.findUniqueOrThrow({ where: { id: hostId } }),
      (h) => h.pendingHostKeyFingerprint !== null,
    );
    expect(probed.pendingHostKeyFingerprint).toBe(hv.hostKeyFingerprint);
    await acceptHostKey(t.db, hostId, hv.hostKeyFingerprint);

    const first = await runImport(hostId);
    expect(first).toMatchObject({ status: 'succeeded', containersSeen: hv.containers, created: hv.containers });
    const rows = await inventory(hostId);
    expect(rows).toHaveLength(hv.containers);
    expect(rows.every((r) => r.ips.length > 0 && r.ostemplate && r.diskQuotaKb && r.ramMb)).toBe(true);
    const veth = rows.find((r) => r.nics.length > 0);
    expect(veth?.nics[0]).toMatchObject({
      name: 'eth0',
      bridge: expect.stringMatching(/^br2[12]0$/),
      vlan: expect.any(Number),
    });
  });

  it('re-imports idempotently: no duplicates, the same rows', async () => {
    const before = await inventory(hostId);
    const again = await runImport(hostId);
    expect(again).toMatchObject({ status: 'succeeded', created: 0, updated: before.length, vanished: 0 });
    const after = await inventory(hostId);
    expect(after.map((c) => [c.id, c.sourceCtid, c.ips.map((i) => i.address)])).toEqual(
      before.map((c) => [c.id, c.sourceCtid, c.ips.map((i) => i.address)]),
    );
    expect(await t.prisma.containerIp.count({ where: { container: { sourceHostId: hostId } } })).toBe(
      before.reduce((n, c) => n + c.ips.length, 0),
    );
  });

  it('refuses a hypervisor whose host key changed, and changes nothing', async () => {
    const before = await inventory(hostId);
    await lab.stop();
    const key = path.join(dir, 'hosts/hv1/ssh/ssh_host_ed25519_key');
    rmSync(key);
    rmSync(`${key}.pub`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    lab = await startLab({ dir, ...FLEET, sshPort: 0, cloudstackPort: null, churn: false });
    const hv = lab.manifest.hypervisors[0]!;
    await t.prisma.sourceHost.update({ where: { id: hostId }, data: { port: hv.port } });

    const refused = await runImport(hostId);
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/has changed/);
    const host = await t.prisma.sourceHost.findUniqueOrThrow({ where: { id: hostId } });
    expect(host).toMatchObject({ hostKeyState: 'accepted', pendingHostKeyFingerprint: hv.hostKeyFingerprint });
    expect(host.hostKeyFingerprint).not.toBe(hv.hostKeyFingerprint);
    expect(await inventory(hostId)).toEqual(before);
  });
});
