// The scale bench's environment: a fresh database, a Redis of its own (its
// command counts are the bench's alone; the machine's Redis is shared), the
// lab with many hypervisors and containers, and several converter boxes:
// real worker processes (apps/worker/src/main.ts), each with its WORKER_NAME,
// its max runs and a work directory on a file system of its own (a sparse
// ext4 image, loop-mounted), so each box's free disk is its own and the
// scheduler's disk limit means what it means on real boxes. Seeded as
// `npm start` seeds (apps/lab seedFromLab), like
// apps/worker/test/support/lab-stack.ts, which this follows.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { SecretBox } from '@vzferry/db';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import { startLab, type RunningLab } from '@vzferry/lab';
import { seedFromLab } from '@vzferry/lab/seed';
import { LocalExecutor, release, workPaths } from '@vzferry/pipeline';
import { createProducer, type Producer } from '@vzferry/queue';
import { freePort } from '@vzferry/ssh/free-port';
import { testBootIso } from '@vzferry/worker/testing/boot-iso';
import { reimportHosts } from './reimport';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface StackOptions {
  hosts: number;
  containers: number;
  boxes: number;
  boxMaxRuns: number;
  boxDiskGiB: number;
  /** 0-14: the lab's block of VM addresses (labs running at once each need their own) */
  addressBlock: number;
  log: (line: string) => void;
}

export interface Box {
  name: string;
  pid: number;
  workDir: string;
  /** free bytes of its file system before any run: the disk the scheduler may hand out */
  diskBytes: bigint;
  log: string[];
}

export interface ScaleStack {
  t: TestDatabase;
  lab: RunningLab;
  dir: string;
  labDir: string;
  redisUrl: string;
  producer: Producer;
  boxes: Box[];
  /** seconds each setup step took */
  setup: Record<string, number>;
  reimport(hostIds: string[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startScaleStack(opts: StackOptions): Promise<ScaleStack> {
  const setup: Record<string, number> = {};
  const timed = async <T>(label: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await f();
    setup[label] = (performance.now() - t0) / 1000;
    opts.log(`${label}: ${setup[label].toFixed(1)} s`);
    return r;
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-bench-scale-'));
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((e: unknown) => opts.log(`cleanup: ${e}`));
  };
  try {
    const redis = await startRedis(dir);
    cleanups.push(redis.stop);
    const t = await createTestDatabase('benchscale');
    cleanups.push(() => t.drop());
    const labDir = path.join(dir, 'lab');
    const lab = await timed('lab build and start', () =>
      startLab({
        dir: labDir,
        hosts: opts.hosts,
        containers: opts.containers,
        debian12: false,
        hostile: false,
        sshPort: 0,
        cloudstackPort: 0,
        // the batch's containers change instead (scale-churn.ts says why)
        churn: false,
        vmNetwork: true,
        addressBlock: opts.addressBlock,
      }),
    );
    cleanups.push(() => lab.stop());
    const applianceDir = await timed(
      'appliance build',
      async () => (await testBootIso(path.join(dir, 'boot/vzferry-boot.iso'))).applianceDir,
    );

    const secretKey = randomBytes(32).toString('base64');
    const prefix = `bench-scale-${randomUUID()}`;
    const boxes: Box[] = [];
    const children: ChildProcess[] = [];
    cleanups.push(async () => {
      await Promise.all(children.map((c) => stopChild(c)));
      for (const b of boxes) await releaseWorkDisks(b.workDir);
    });
    await timed('converter boxes', async () => {
      for (let i = 0; i < opts.boxes; i++) {
        const name = `box-${i + 1}`;
        const mount = path.join(dir, name);
        mountBoxDisk(path.join(dir, `${name}.ext4`), mount, opts.boxDiskGiB);
        cleanups.push(() => unmountBoxDisk(mount));
        const workDir = path.join(mount, 'work');
        const diskBytes = freeBytes(mount);
        const { child, log } = await startWorker({
          DATABASE_URL: t.url,
          REDIS_URL: redis.url,
          VZFERRY_SECRET_KEY: secretKey,
          VZFERRY_QUEUE_PREFIX: prefix,
          VZFERRY_DATA_DIR: path.join(dir, `${name}-data`),
          WORKER_NAME: name,
          WORKER_WORK_DIR: workDir,
          WORKER_MAX_RUNS: String(opts.boxMaxRuns),
          TEMPLATE_SERVER_PORT: '0',
          // CloudStack refuses loopback URLs: each box serves on this machine's address
          TEMPLATE_SERVER_ADDRESS: 'auto',
          APPLIANCE_DIR: applianceDir,
          LOG_LEVEL: 'warn',
        });
        children.push(child);
        boxes.push({ name, pid: child.pid!, workDir, diskBytes, log });
      }
    });
    const producer = createProducer({ redisUrl: redis.url, prefix });
    cleanups.push(() => producer.close());
    const secrets = new SecretBox(Buffer.from(secretKey, 'base64'));
    await timed('seed (hosts, import, customers, CloudStack)', () =>
      seedFromLab({ db: t.db, producer, secrets, log: () => undefined }, lab.manifest, { timeoutMs: 900_000 }),
    );
    const reimport = (hostIds: string[]) => reimportHosts(t.db, producer, hostIds);
    return { t, lab, dir, labDir, redisUrl: redis.url, producer, boxes, setup, reimport, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A Redis of the bench's own: no persistence, on a free loopback port. */
async function startRedis(dir: string): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (l) => {
      if (l.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => stopChild(child) };
}

/** A sparse ext4 image of `gib` GiB mounted at `mount`: the box's own disk. */
function mountBoxDisk(image: string, mount: string, gib: number): void {
  execFileSync('truncate', ['-s', `${gib}G`, image]);
  execFileSync('mkfs.ext4', ['-q', '-F', '-m', '0', image]);
  mkdirSync(mount, { recursive: true });
  execFileSync('mount', ['-o', 'loop', image, mount]);
}

function unmountBoxDisk(mount: string): void {
  try {
    execFileSync('umount', [mount], { stdio: 'ignore' });
  } catch {
    // something still holds it (a run's loop device a failed run left): detach it lazily
    execFileSync('umount', ['-l', mount], { stdio: 'ignore' });
  }
}

function freeBytes(p: string): bigint {
  const s = statfsSync(p, { bigint: true });
  return s.bavail * s.bsize;
}

/** A failed run keeps its work disk mounted for diagnosis: released here, as lab-stack does. */
async function releaseWorkDisks(workDir: string): Promise<void> {
  for (const runId of existsSync(workDir) ? readdirSync(workDir) : []) {
    if (existsSync(workPaths(workDir, runId).image))
      await release(new LocalExecutor(), workPaths(workDir, runId)).catch(() => undefined);
  }
}

/** The worker process of one box, started as `npm run worker` does; resolves on its "ready" line. */
async function startWorker(env: Record<string, string>): Promise<{ child: ChildProcess; log: string[] }> {
  mkdirSync(env.VZFERRY_DATA_DIR!, { recursive: true });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'apps/worker/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const keep = (l: string) => {
    log.push(l);
    if (log.length > 400) log.splice(0, log.length - 400);
  };
  readline.createInterface({ input: child.stderr! }).on('line', (l) => keep(`[stderr] ${l}`));
  await new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (l) => {
      keep(l);
      if (l === 'ready') resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`the worker ${env.WORKER_NAME} exited with ${code}:\n${log.slice(-20).join('\n')}`)),
    );
  });
  return { child, log };
}

async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const gone = new Promise((r) => c.once('exit', r));
  c.kill('SIGTERM');
  const timer = setTimeout(() => c.kill('SIGKILL'), 30_000);
  await gone;
  clearTimeout(timer);
}
