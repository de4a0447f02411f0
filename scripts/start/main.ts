// `npm start` after the services are up: migrate, build the web app when its
// sources changed, run lab + worker + web under one supervisor, then seed the
// demo inventory from the lab through the worker.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { errorMessage, loadConfig } from '@vzferry/core';
import { closeDb, createDb, ensureDatabase, loadSecretBox, migrate, MIGRATIONS_DIR } from '@vzferry/db';
import { readLabManifest } from '@vzferry/lab/manifest';
import { createProducer } from '@vzferry/queue';
import { applianceImage, missingApplianceMessage } from '@vzferry/pipeline';
import { buildBootIso, defaultApplianceDir } from '@vzferry/worker';
import { seedDemoUsers, seedFromLab } from '@vzferry/lab/seed';
import { Supervisor } from './supervisor';

const ROOT = path.resolve(import.meta.dirname, '../..');
const WEB_DIR = path.join(ROOT, 'apps/web');
const log = (line: string) => console.log(`\x1b[1mstart  \x1b[0m | ${line}`);

// web, worker and seed must share the data dir (the secret key lives there)
process.env.VZFERRY_DATA_DIR = path.resolve(ROOT, process.env.VZFERRY_DATA_DIR ?? '.data');
process.env.LAB_DIR = path.resolve(ROOT, process.env.LAB_DIR ?? '.lab');
// CloudStack refuses loopback template URLs: the box serves on this machine's own address
process.env.TEMPLATE_SERVER_ADDRESS ??= 'auto';
const config = loadConfig(process.env);
const reset = process.argv.includes('--reset');

async function main(): Promise<void> {
  if (await ensureDatabase(config.DATABASE_URL)) log('created the database');
  const migrated = await migrate(config.DATABASE_URL, MIGRATIONS_DIR);
  log(`database ready (${migrated.applied.length} migrations applied now)`);
  await seedUsers();
  buildWebIfStale();

  const sup = new Supervisor();
  const startedAt = Date.now();
  const node = (script: string) => [process.execPath, '--import', 'tsx', path.join(ROOT, script)];
  sup.start({
    name: 'lab',
    argv: [...node('apps/lab/src/cli.ts'), '--dir', config.LAB_DIR, ...(reset ? ['--reset'] : [])],
    cwd: ROOT,
  });
  sup.start({ name: 'worker', argv: node('apps/worker/src/main.ts'), cwd: ROOT });
  sup.start({
    name: 'web',
    argv: [
      process.execPath,
      path.join(ROOT, 'node_modules/next/dist/bin/next'),
      'start',
      '--hostname',
      config.WEB_HOST,
      '--port',
      String(config.WEB_PORT),
    ],
    cwd: WEB_DIR,
  });
  const stop = async () => {
    await sup.stopAll();
    process.exit(sup.exitCode);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  void buildDemoBootIso();
  const manifest = await waitForManifest(startedAt);
  const db = createDb(config.DATABASE_URL);
  const producer = createProducer({ redisUrl: config.REDIS_URL, prefix: config.VZFERRY_QUEUE_PREFIX });
  try {
    await seedFromLab(
      {
        db,
        producer,
        secrets: loadSecretBox({ secretKey: config.VZFERRY_SECRET_KEY, dataDir: config.VZFERRY_DATA_DIR }),
        log,
      },
      manifest,
    );
    log(
      `vzferry is up: http://localhost:${config.WEB_PORT}, sign in as engineer@demo.vzferry / demo-engineer-password (README)  (Ctrl-C stops everything)`,
    );
  } catch (err) {
    log(`the demo seed failed: ${errorMessage(err)}; the panel still runs`);
  } finally {
    await producer.close();
    await closeDb(db);
  }
}

/** One demo user per role (README), before the web app starts: it then sees users and prints no setup link. */
async function seedUsers(): Promise<void> {
  const db = createDb(config.DATABASE_URL);
  try {
    const secrets = loadSecretBox({ secretKey: config.VZFERRY_SECRET_KEY, dataDir: config.VZFERRY_DATA_DIR });
    const baseURL = config.VZFERRY_BASE_URL ?? `http://localhost:${config.WEB_PORT}`;
    await seedDemoUsers(db, { baseURL, secret: secrets.derive('session-cookie') }, log);
  } finally {
    await closeDb(db);
  }
}

/**
 * The demo's CentOS 5/6 containers need the boot ISO, and every conversion
 * its guest-job appliance (written beside it): built once (about 10 s and a
 * 70 MB kernel package from Debian's mirror) where the worker looks for them;
 * the worker uses them from the next run on, without a restart.
 */
async function buildDemoBootIso(): Promise<void> {
  const out = path.resolve(ROOT, config.BOOT_ISO ?? path.join(config.WORKER_WORK_DIR, 'vzferry-boot.iso'));
  const appliance = path.resolve(ROOT, config.APPLIANCE_DIR ?? defaultApplianceDir(out));
  if (existsSync(out) && !missingApplianceMessage(applianceImage(appliance))) return;
  log('building the boot ISO for grub-legacy guests and the guest-job appliance (first start only)');
  try {
    const iso = await buildBootIso({ out, applianceDir: appliance });
    log(`boot ISO ready: ${out} (${(iso.bytes / 1024 / 1024).toFixed(1)} MiB, kernel ${iso.kernelVersion})`);
  } catch (err) {
    log(
      `could not build the boot ISO (${errorMessage(err)}): conversions fail in make_bootable until "npm run boot-iso -- --out ${out}" succeeds`,
    );
  }
}

async function waitForManifest(after: number) {
  const deadline = Date.now() + 20 * 60_000; // the first run builds a Debian root file system
  for (;;) {
    try {
      const m = readLabManifest(config.LAB_DIR);
      if (Date.parse(m.startedAt) >= after - 1000) return m;
    } catch {
      // not written yet
    }
    if (Date.now() > deadline) throw new Error('the lab did not come up within 20 minutes');
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** next build, when there is no build or a source is newer than it (about 30 s). */
function buildWebIfStale(): void {
  const buildId = path.join(WEB_DIR, '.next/BUILD_ID');
  const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const sources = [
    path.join(WEB_DIR, 'src'),
    ...readdirSync(path.join(ROOT, 'packages')).map((p) => path.join(ROOT, 'packages', p, 'src')),
  ];
  if (builtAt > 0 && !sources.some((dir) => newerThan(dir, builtAt))) return;
  log('building the web app (next build)');
  const res = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: WEB_DIR,
    stdio: 'inherit',
  });
  if (res.status !== 0) throw new Error('next build failed');
}

function newerThan(dir: string, t: number): boolean {
  if (!existsSync(dir)) return false;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory() ? newerThan(p, t) : statSync(p).mtimeMs > t) return true;
  }
  return false;
}

main().catch((err: unknown) => {
  console.error(`start: ${errorMessage(err)}`);
  process.exit(1);
});
