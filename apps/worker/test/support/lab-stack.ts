// A migration environment for the pipeline tests: a test database, the lab
// (hypervisors over SSH, CloudStack whose VMs' IPs answer), the real worker
// process (apps/worker/src/main.ts) and the demo seed (hosts accepted and
// imported, customers, the CloudStack connection and mappings), as `npm
// start` makes it, with the guest-job appliance built as `npm run boot-iso`
// builds it. The worker can be killed and started again, and more workers
// (converter boxes of their own: name, work directory, template server) can
// join; a test can start them from an entrypoint of its own that wraps main.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { SecretBox } from '@vzferry/db';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import { startLab, type RunningLab, type StartLabOptions } from '@vzferry/lab';
import { createProducer, type Producer } from '@vzferry/queue';
import { seedFromLab } from '@vzferry/lab/seed';
import { LocalExecutor, release, workPaths } from '@vzferry/pipeline';
import { testBootIso } from './test-boot-iso';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface LabStack {
  t: TestDatabase;
  lab: RunningLab;
  dir: string;
  prefix: string;
  /** the key the worker seals secrets with, for code of the test that reads them */
  secrets: SecretBox;
  workerLog: string[];
  worker(): ChildProcess | null;
  startWorker(): Promise<ChildProcess>;
  stopWorker(signal: NodeJS.Signals): Promise<void>;
  producer: Producer;
  /** another converter box: its own WORKER_NAME and work directory, started by the caller */
  addWorker(name: string, env?: Record<string, string>): WorkerProcess;
  stop(): Promise<void>;
}

/** a fault test's own services instead of the machine's (which it must not restart) */
export interface StackServices {
  /** the PostgreSQL server the test database is made on (its maintenance database's URL) */
  databaseServerUrl?: string;
  /** the Redis of the worker, the producer and the seed */
  redisUrl?: string;
  /** the worker's own way to the test database (e.g. through a relay the test cuts) */
  workerDatabaseUrl?: (url: string) => string;
}

/** One worker process of the stack (a converter box). */
export interface WorkerProcess {
  name: string;
  workDir: string;
  log: string[];
  process(): ChildProcess | null;
  start(): Promise<ChildProcess>;
  stop(signal: NodeJS.Signals): Promise<void>;
}

export interface LabStackOptions extends StackServices {
  /** the worker's entrypoint (default apps/worker/src/main.ts): a test's wrapper that imports main.ts */
  workerEntry?: string;
}

/** Spawns `entry` with `env`; 'ready' on its stdout means started. */
function workerProcess(
  name: string,
  workDir: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  log: string[],
): WorkerProcess {
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const c = child;
    readline.createInterface({ input: c.stderr! }).on('line', (l) => log.push(`[stderr] ${l}`));
    await new Promise<void>((resolve, reject) => {
      readline.createInterface({ input: c.stdout! }).on('line', (l) => {
        log.push(l);
        if (l === 'ready') resolve();
      });
      c.once('exit', (code) => reject(new Error(`the worker exited with ${code}:\n${log.slice(-20).join('\n')}`)));
    });
    return c;
  };
  const stop = async (signal: NodeJS.Signals) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await gone;
  };
  return { name, workDir, log, process: () => child, start, stop };
}

export async function startLabStack(
  label: string,
  lab: Pick<StartLabOptions, 'hosts' | 'containers' | 'debian12' | 'hostileCanary' | 'cloudstackDownloadRate'>,
  workerEnv: Record<string, string> = {},
  options: LabStackOptions = {},
): Promise<LabStack> {
  const t = await createTestDatabase(label, options.databaseServerUrl);
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const dir = mkdtempSync(path.join(os.tmpdir(), `vzferry-${label}-`));
  const running = await startLab({
    dir: path.join(dir, 'lab'),
    ...lab,
    sshPort: 0,
    cloudstackPort: 0,
    churn: true,
    vmNetwork: true,
    // tests do not wait for the realistic rate; bench/downtime asks for it
    cloudstackDownloadRate: lab.cloudstackDownloadRate ?? 0,
    // test files run at once in vitest's workers: each its own addresses (their VMs answer through one routing table)
    addressBlock: Number(process.env.VITEST_POOL_ID ?? 0) % 15,
  });
  // make_bootable runs the guest's tools in the appliance VM: the boot ISO's build writes it (a test's own ISO brings its own;
  // the test run's shared one otherwise, linked into the stack's directory: a test may take a file of it away)
  const appliance =
    workerEnv.BOOT_ISO || workerEnv.APPLIANCE_DIR
      ? {}
      : { APPLIANCE_DIR: await stackAppliance(path.join(dir, 'boot')) };
  const secretKey = randomBytes(32).toString('base64');
  const prefix = `t-${label}-${randomUUID()}`;
  const env = {
    ...process.env,
    DATABASE_URL: options.workerDatabaseUrl?.(t.url) ?? t.url,
    REDIS_URL: redisUrl,
    VZFERRY_SECRET_KEY: secretKey,
    VZFERRY_QUEUE_PREFIX: prefix,
    VZFERRY_DATA_DIR: path.join(dir, 'data'),
    WORKER_NAME: 'box-test',
    WORKER_WORK_DIR: path.join(dir, 'work'),
    WORKER_MAX_RUNS: '3',
    TEMPLATE_SERVER_PORT: '0',
    // CloudStack refuses loopback URLs: the box serves on this machine's address, the seed lists it in the lab's allowed sites
    TEMPLATE_SERVER_ADDRESS: 'auto',
    ...appliance,
    ...workerEnv,
  };
  mkdirSync(env.VZFERRY_DATA_DIR, { recursive: true });
  const workerLog: string[] = [];
  const entry = options.workerEntry ?? path.join(ROOT, 'apps/worker/src/main.ts');
  const main = workerProcess(env.WORKER_NAME, env.WORKER_WORK_DIR, entry, env, workerLog);
  const others: WorkerProcess[] = [];
  const startWorker = main.start;
  const stopWorker = main.stop;

  await startWorker();
  const producer = createProducer({ redisUrl, prefix });
  const secrets = new SecretBox(Buffer.from(secretKey, 'base64'));
  await seedFromLab({ db: t.db, producer, secrets, log: () => undefined }, running.manifest);

  return {
    t,
    lab: running,
    dir,
    prefix,
    secrets,
    workerLog,
    producer,
    worker: main.process,
    startWorker,
    stopWorker,
    addWorker(name, extra = {}) {
      const workDir = path.join(dir, `work-${name}`);
      const w = workerProcess(
        name,
        workDir,
        entry,
        { ...env, WORKER_NAME: name, WORKER_WORK_DIR: workDir, ...extra },
        [],
      );
      others.push(w);
      return w;
    },
    async stop() {
      for (const w of [main, ...others]) await w.stop('SIGTERM');
      await producer.close();
      // a failed run keeps its work disk mounted for diagnosis, and so does a box that died
      for (const work of [main, ...others].map((w) => w.workDir)) {
        for (const runId of existsSync(work) ? readdirSync(work) : []) {
          if (existsSync(workPaths(work, runId).image))
            await release(new LocalExecutor(), workPaths(work, runId)).catch(() => undefined);
        }
      }
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
      await t.drop();
    },
  };
}

/** The appliance the stack's workers boot, in `<boot>/vzferry-appliance`: hard links to the run's shared one. */
async function stackAppliance(boot: string): Promise<string> {
  const own = path.join(boot, 'vzferry-appliance');
  const built = (await testBootIso(path.join(boot, 'vzferry-boot.iso'))).applianceDir;
  if (path.resolve(built) === own) return own;
  mkdirSync(own, { recursive: true });
  for (const f of readdirSync(built)) linkSync(path.join(built, f), path.join(own, f));
  return own;
}

/** Polls until every run of the batch has ended; logs each change of the runs' stages. */
export async function waitForBatch(
  stack: LabStack,
  batchId: string,
  timeoutMs: number,
  until: (runs: Array<{ status: string }>) => boolean = (runs) =>
    runs.every((r) => ['succeeded', 'failed', 'cancelled'].includes(r.status)),
) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const runs = await stack.t.prisma.migrationRun.findMany({
      where: { batchId },
      include: { container: true, stageRuns: { orderBy: { queuedAt: 'desc' }, take: 1 } },
    });
    const line = runs.map((r) => `${r.container.sourceCtid}:${r.status}/${r.stageRuns[0]?.stage ?? '-'}`).join(' ');
    if (line !== last) {
      stack.workerLog.push(`[test] ${new Date().toISOString()} ${line}`);
      last = line;
    }
    if (until(runs)) return runs;
    if (Date.now() > deadline) throw new Error(`the batch did not get there within ${timeoutMs / 1000} s: ${line}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
