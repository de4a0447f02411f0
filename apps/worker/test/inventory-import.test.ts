// The inventory jobs end to end on real parts: BullMQ on Redis, PostgreSQL,
// a real OpenSSH sshd standing in for a hypervisor, with the reference
// vzlist output and container configs behind it (fake vz tools on its PATH).
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptHostKey, createInventoryImport, SecretBox } from '@vzferry/db';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import { readSample, setVzlistOutput, writeFakeVzTools } from '@vzferry/openvz/testing';
import { createProducer, type Consumer, type Producer } from '@vzferry/queue';
import { wipeQueues } from '@vzferry/queue/testing';
import { startSshd, type SshdFixture } from '@vzferry/ssh/testing';
import { startInventoryWorker } from '../src/inventory-worker';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROOT = path.resolve(import.meta.dirname, '../../..');
const SAMPLE_JSON = readSample('openvz/vzlist-a-j.jsonc');

let t: TestDatabase;
let dir: string;
let bin: string;
let conf: string;
let sshd: SshdFixture;
let secretKey: Buffer;
let secrets: SecretBox;
let prefix: string;
let worker: Consumer;
let producer: Producer;

beforeAll(async () => {
  t = await createTestDatabase('invimport');
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-invimport-'));
  bin = path.join(dir, 'bin');
  conf = path.join(dir, 'conf');
  mkdirSync(conf);
  writeFakeVzTools(bin, { vzlistJson: SAMPLE_JSON });
  writeConfigs();
  sshd = await startSshd({ pathPrefix: [bin], env: { VZFERRY_VZ_CONF_DIR: conf } });
  secretKey = randomBytes(32);
  secrets = new SecretBox(secretKey);
  prefix = `t-inventory-${randomUUID()}`;
  worker = startInventoryWorker({ redisUrl: REDIS_URL, prefix, deps: { db: t.db, secrets, log: () => undefined } });
  producer = createProducer({ redisUrl: REDIS_URL, prefix });
});

afterAll(async () => {
  await worker?.close();
  await producer?.close();
  await wipeQueues(REDIS_URL, prefix);
  await sshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await t?.drop();
});

function writeConfigs(ip101 = '10.0.0.101/24') {
  writeFileSync(
    path.join(conf, '101.conf'),
    readSample('openvz/101.conf').replace('IP_ADDRESS="10.0.0.101"', `IP_ADDRESS="${ip101}"`),
  );
  writeFileSync(
    path.join(conf, '102.conf'),
    readSample('openvz/ve-basic.conf-sample') + 'VE_LAYOUT="simfs"\nIP_ADDRESS="10.0.0.102 2001:db8::102"\n',
  );
}

let hostSeq = 0;
async function addHost() {
  return t.prisma.sourceHost.create({
    data: {
      name: `hv-${++hostSeq}`,
      address: sshd.host,
      port: sshd.port,
      username: sshd.username,
      privateKeyEnc: secrets.seal(sshd.clientPrivateKey),
    },
  });
}

async function probeAndAccept(hostId: string): Promise<void> {
  await producer.enqueue('probe_host_key', { sourceHostId: hostId });
  const host = await until(
    () => t.prisma.sourceHost.findUniqueOrThrow({ where: { id: hostId } }),
    (h) => h.pendingHostKeyFingerprint !== null,
  );
  expect(host).toMatchObject({
    hostKeyState: 'pending',
    pendingHostKeyFingerprint: sshd.hostKeyFingerprint,
    pendingHostKeyAlgorithm: 'ssh-ed25519',
  });
  await acceptHostKey(t.db, hostId, sshd.hostKeyFingerprint);
}

async function runImport(hostId: string, timeoutMs?: number) {
  const imp = await createInventoryImport(t.db, hostId, 'test');
  await producer.enqueue('import_inventory', { sourceHostId: hostId, importId: imp.id });
  return until(
    () => t.prisma.inventoryImport.findUniqueOrThrow({ where: { id: imp.id } }),
    (r) => r.status === 'succeeded' || r.status === 'failed',
    timeoutMs,
  );
}

const snapshot = (hostId: string) =>
  t.prisma.container.findMany({
    where: { sourceHostId: hostId },
    orderBy: { sourceCtid: 'asc' },
    include: { ips: { orderBy: { position: 'asc' } }, nics: true },
  });

describe('inventory import over SSH', () => {
  it('refuses to import before the host key is accepted, then imports, and re-imports idempotently', async () => {
    const host = await addHost();
    const early = await runImport(host.id);
    expect(early).toMatchObject({ status: 'failed' });
    expect(early.error).toMatch(/host key of hv-\d+ is not accepted yet/);

    await probeAndAccept(host.id);
    const first = await runImport(host.id);
    expect(first).toMatchObject({
      status: 'succeeded',
      progressPercent: 100,
      containersSeen: 2,
      created: 2,
      updated: 0,
      vanished: 0,
      error: null,
    });
    const cts = await snapshot(host.id);
    expect(
      cts.map((c) => [c.sourceCtid, c.hostname, c.status, c.ostemplate, c.layout, c.diskQuotaKb, c.ramMb]),
    ).toEqual([
      [101, 'ct101.example.com', 'running', 'centos-6-x86_64', 'ploop', 10319160n, 1024],
      [102, 'ct102.example.com', 'stopped', 'debian-7.0-x86_64', 'simfs', 2306867n, 256],
    ]);
    expect(cts[0]!.ips.map((i) => [i.address, i.prefix])).toEqual([['10.0.0.101', 24]]);
    expect(cts[1]!.ips.map((i) => [i.address, i.family])).toEqual([
      ['10.0.0.102', 4],
      ['2001:db8::102', 6],
    ]);

    // CT 102 is gone from the host, CT 101 moved to another address
    setVzlistOutput(
      bin,
      JSON.stringify(JSON.parse(SAMPLE_JSON.replace(/9223372036854775807/g, '1')).slice(0, 1)).replace(
        '"10.0.0.101"',
        '"10.0.5.5"',
      ),
    );
    writeConfigs('10.0.5.5/24');
    const second = await runImport(host.id);
    expect(second).toMatchObject({ status: 'succeeded', containersSeen: 1, created: 0, updated: 1, vanished: 1 });
    const after = await snapshot(host.id);
    expect(after.map((c) => c.id)).toEqual(cts.map((c) => c.id));
    expect(after[0]!.ips.map((i) => i.address)).toEqual(['10.0.5.5']);
    expect(after[1]!.vanishedAt).toBeInstanceOf(Date);

    setVzlistOutput(bin, SAMPLE_JSON);
    writeConfigs();
    const third = await runImport(host.id);
    expect(third).toMatchObject({ status: 'succeeded', created: 0, updated: 2, vanished: 0 });
    expect((await snapshot(host.id)).map((c) => c.vanishedAt)).toEqual([null, null]);
    expect(await t.prisma.container.count({ where: { sourceHostId: host.id } })).toBe(2);
  });

  it('bad output from the hypervisor fails the import with the reason and changes nothing', async () => {
    const host = await addHost();
    await probeAndAccept(host.id);
    await runImport(host.id);
    const before = await snapshot(host.id);
    try {
      setVzlistOutput(bin, SAMPLE_JSON.slice(0, 2000));
      const cut = await runImport(host.id);
      expect(cut.status).toBe('failed');
      expect(cut.error).toMatch(/vzlist -a -j output: not valid JSON/);
      setVzlistOutput(bin, SAMPLE_JSON.replace('"status": "stopped"', '"status": "hibernating"'));
      expect((await runImport(host.id)).error).toMatch(/\[1\] \(CT 102\)\.status/);
      setVzlistOutput(bin, SAMPLE_JSON);
      writeFileSync(path.join(conf, '102.conf'), 'DISKSPACE="lots"\n');
      expect((await runImport(host.id)).error).toMatch(/102\.conf: line 1: DISKSPACE/);
      expect(await snapshot(host.id)).toEqual(before);
    } finally {
      setVzlistOutput(bin, SAMPLE_JSON);
      writeConfigs();
    }
  });

  it('stores hostile names from vzlist as data and runs nothing', async () => {
    const host = await addHost();
    await probeAndAccept(host.id);
    const marker = path.join(dir, 'pwned');
    const hostile = `$(touch ${marker});\`touch ${marker}\`'`;
    try {
      setVzlistOutput(bin, SAMPLE_JSON.replace('"ct101.example.com"', JSON.stringify(hostile)));
      writeFileSync(
        path.join(conf, '101.conf'),
        readSample('openvz/101.conf').replace('HOSTNAME="ct101.example.com"', `HOSTNAME="${hostile}"`),
      );
      expect((await runImport(host.id)).status).toBe('succeeded');
      expect((await snapshot(host.id))[0]!.hostname).toBe(hostile);
      expect(existsSync(marker)).toBe(false);
    } finally {
      setVzlistOutput(bin, SAMPLE_JSON);
      writeConfigs();
    }
  });

  it('a changed host key is refused: nothing imported, the new key waits for review', async () => {
    const host = await addHost();
    await probeAndAccept(host.id);
    await runImport(host.id);
    const before = await snapshot(host.id);
    const pinned = sshd.hostKeyFingerprint;
    await sshd.rotateHostKey();
    const refused = await runImport(host.id);
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/host key of 127\.0\.0\.1:\d+ has changed: pinned SHA256:/);
    const row = await t.prisma.sourceHost.findUniqueOrThrow({ where: { id: host.id } });
    expect(row).toMatchObject({
      hostKeyState: 'accepted',
      hostKeyFingerprint: pinned,
      pendingHostKeyFingerprint: sshd.hostKeyFingerprint,
    });
    expect(row.lastError).toMatch(/has changed/);
    expect(await snapshot(host.id)).toEqual(before);
    // the probe job agrees, and accepting the new key lets imports run again
    await producer.enqueue('probe_host_key', { sourceHostId: host.id });
    await acceptHostKey(t.db, host.id, sshd.hostKeyFingerprint);
    expect((await runImport(host.id)).status).toBe('succeeded');
  });

  it('imports 3,000 containers of one host over SSH (prints how long it takes)', { timeout: 400_000 }, async () => {
    const bigDir = path.join(dir, 'big');
    const [bigBin, bigConf] = [path.join(bigDir, 'bin'), path.join(bigDir, 'conf')];
    mkdirSync(bigConf, { recursive: true });
    const template = JSON.parse(SAMPLE_JSON.replace(/9223372036854775807/g, '"LONG_MAX"')) as Record<string, unknown>[];
    const items = Array.from({ length: 3000 }, (_, i) => {
      const ctid = 1000 + i;
      const ip = `10.${Math.floor(i / 250)}.${i % 250}.1`;
      writeFileSync(
        path.join(bigConf, `${ctid}.conf`),
        readSample('openvz/101.conf').replace('IP_ADDRESS="10.0.0.101"', `IP_ADDRESS="${ip}/24"`),
      );
      return JSON.stringify(
        { ...template[i % 2], ctid, veid: ctid, vpsid: ctid, hostname: `ct${ctid}.example.com`, ip: [ip] },
        null,
        4,
      );
    });
    writeFakeVzTools(bigBin, { vzlistJson: `[${items.join(',\n')}]\n`.replace(/"LONG_MAX"/g, '9223372036854775807') });
    const big = await startSshd({ pathPrefix: [bigBin], env: { VZFERRY_VZ_CONF_DIR: bigConf } });
    try {
      const host = await t.prisma.sourceHost.create({
        data: {
          name: 'hv-big',
          address: big.host,
          port: big.port,
          username: big.username,
          privateKeyEnc: secrets.seal(big.clientPrivateKey),
        },
      });
      await t.prisma.sourceHost.update({
        where: { id: host.id },
        data: {
          hostKeyState: 'accepted',
          hostKeyFingerprint: big.hostKeyFingerprint,
          hostKeyAlgorithm: big.hostKeyAlgorithm,
          hostPublicKey: big.hostPublicKey,
        },
      });
      let started = Date.now();
      // a loaded 2-core machine can take much longer than the usual ~5 s
      const first = await runImport(host.id, 170_000);
      const firstMs = Date.now() - started;
      started = Date.now();
      const second = await runImport(host.id, 170_000);
      console.log(
        `import over SSH: 3,000 containers (13 MB of vzlist JSON, 3,000 configs) first ${firstMs} ms, again ${Date.now() - started} ms`,
      );
      expect(first).toMatchObject({ status: 'succeeded', created: 3000 });
      expect(second).toMatchObject({ status: 'succeeded', created: 0, updated: 3000, vanished: 0 });
      expect(await t.prisma.containerIp.count({ where: { container: { sourceHostId: host.id } } })).toBe(3000);
    } finally {
      await big.stop();
    }
  });

  it('main.ts starts the worker from the environment and stops on SIGTERM', async () => {
    const host = await addHost();
    const dataDir = path.join(dir, 'data');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'apps/worker/src/main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: t.url,
        REDIS_URL,
        VZFERRY_QUEUE_PREFIX: `${prefix}-main`,
        VZFERRY_SECRET_KEY: secretKey.toString('hex'),
        VZFERRY_DATA_DIR: dataDir,
        TEMPLATE_SERVER_PORT: '0',
        WORKER_WORK_DIR: path.join(dataDir, 'work'),
        WORKER_NAME: `box-${prefix}`,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        readline.createInterface({ input: child.stdout! }).on('line', (l) => l === 'ready' && resolve());
        child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      });
      const own = createProducer({ redisUrl: REDIS_URL, prefix: `${prefix}-main` });
      await own.enqueue('probe_host_key', { sourceHostId: host.id });
      await own.close();
      await until(
        () => t.prisma.sourceHost.findUniqueOrThrow({ where: { id: host.id } }),
        (h) => h.hostKeyState === 'pending',
      );
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await wipeQueues(REDIS_URL, `${prefix}-main`);
    }
  });
});

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting; last value: ${JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x))}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
