// The e2e stack: a fresh database, a small lab (2 hypervisors, 40 containers and the hostile one),
// the real worker and the built web app on port 3100, seeded through the
// worker like the demo. Writes E2E_STACK_FILE when ready; SIGTERM tears all
// of it down (processes, lab, database).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import { savePipelineSettings, SecretBox } from '@vzferry/db';
import { startLab } from '@vzferry/lab';
import { parseOsTemplate, usesLegacyGrub } from '@vzferry/guest';
import { createProducer } from '@vzferry/queue';
import { DEMO_USERS, seedDemoUsers, seedFromLab } from '@vzferry/lab/seed';
import { freePort } from '@vzferry/ssh/free-port';
import { testBootIso } from '@vzferry/worker/testing/boot-iso';
import { windowIn12Hours } from '@vzferry/worker/testing/lab-runs';
import type { StackFacts } from './stack-file';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PORT = Number(process.env.E2E_PORT ?? 3100);
const log = (line: string) => console.log(`[e2e stack] ${line}`);

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

async function main(): Promise<void> {
  const t = await createTestDatabase('e2e');
  cleanups.push(() => t.drop());
  const labDir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-e2e-lab-'));
  cleanups.push(async () => rmSync(labDir, { recursive: true, force: true }));
  // the pipeline runs for real: VM addresses answer, templates are served on this machine's address
  const lab = await startLab({
    dir: labDir,
    hosts: 2,
    containers: 40,
    debian12: false,
    sshPort: 0,
    cloudstackPort: 0,
    churn: false,
    vmNetwork: true,
    cloudstackDownloadRate: 0,
  });
  cleanups.push(() => lab.stop());

  const secretKey = randomBytes(32).toString('base64');
  const env = {
    ...process.env,
    DATABASE_URL: t.url,
    VZFERRY_SECRET_KEY: secretKey,
    VZFERRY_QUEUE_PREFIX: `e2e-${randomUUID()}`,
    VZFERRY_DATA_DIR: path.join(labDir, 'data'),
    NEXT_TELEMETRY_DISABLED: '1',
    TEMPLATE_SERVER_PORT: '0',
    WORKER_WORK_DIR: path.join(labDir, 'work'),
    // CloudStack refuses loopback URLs: the box serves on this machine's address, the seed lists it in the lab's allowed sites
    TEMPLATE_SERVER_ADDRESS: 'auto',
  };
  // the guest-job appliance (make_bootable runs the guests' tools in it), built as `npm run boot-iso` does; its ISO
  // stays out of the work dir, so the grub-legacy guest fails preflight on the boot ISO (the planner's journey)
  const { applianceDir, path: builtIso } = await testBootIso(path.join(labDir, 'boot/vzferry-boot.iso'));
  // the box looks for its boot ISO in its work dir (the worker's default): the staged journey, after the
  // planner's, puts it there as a box's engineer who runs `npm run boot-iso` after the worker started (the
  // worker serves it without a restart); the delta server is on from the start (classic runs do not use it)
  const bootIso = { built: builtIso, box: path.join(env.WORKER_WORK_DIR, 'vzferry-boot.iso') };
  Object.assign(env, { APPLIANCE_DIR: applianceDir, DELTA_SERVER_PORT: String(await freePort()) });
  mkdirSync(env.VZFERRY_DATA_DIR, { recursive: true });
  const secrets = new SecretBox(Buffer.from(secretKey, 'base64'));
  // the journeys sign in as the demo's users (one per role), made before the web app looks for users
  await seedDemoUsers(t.db, { baseURL: `http://127.0.0.1:${PORT}`, secret: secrets.derive('session-cookie') }, log);
  start([process.execPath, '--import', 'tsx', path.join(ROOT, 'apps/worker/src/main.ts')], env, ROOT);
  buildWeb();
  start(
    [
      process.execPath,
      path.join(ROOT, 'node_modules/next/dist/bin/next'),
      'start',
      '--port',
      String(PORT),
      '--hostname',
      '127.0.0.1',
    ],
    env,
    path.join(ROOT, 'apps/web'),
  );

  const producer = createProducer({
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: env.VZFERRY_QUEUE_PREFIX,
  });
  await seedFromLab({ db: t.db, producer, secrets, log }, lab.manifest);
  await producer.close();
  // retries within seconds, not the default minutes
  await savePipelineSettings(t.db, {
    templateRetryAttempts: 2,
    templateRetryBackoffSeconds: 1,
    templatePollSeconds: 1,
  });
  await waitForHttp(`http://127.0.0.1:${PORT}/api/health`);

  const sample = await pickSample(t.prisma);
  const quick = await pickMigratable(t.prisma);
  const legacy = await pickLegacy(t.prisma, sample.ctid);
  const facts: StackFacts = {
    baseURL: `http://127.0.0.1:${PORT}`,
    sample,
    ...quick,
    legacy,
    staged: await pickStaged(
      t.prisma,
      [sample.ctid, quick.migratable.ctid, quick.plannable.ctid, legacy.ctid],
      new Date(),
    ),
    bootIso,
    labAdminUrl: lab.manifest.cloudstack!.adminUrl,
    containers: await t.prisma.container.count(),
    cloudstackSecret: lab.manifest.cloudstack!.secretKey,
    hosts: lab.manifest.hypervisors.map((h) => ({ name: h.name, fingerprint: h.hostKeyFingerprint })),
    users: DEMO_USERS.map((u) => ({ ...u })),
  };
  mkdirSync(path.dirname(process.env.E2E_STACK_FILE!), { recursive: true });
  writeFileSync(process.env.E2E_STACK_FILE!, JSON.stringify(facts));
  log(`ready: ${facts.containers} containers at ${facts.baseURL}`);
}

/** A container with a customer and at least two IPs: searching its second IP proves IP search. */
async function pickSample(db: TestDatabase['prisma']): Promise<StackFacts['sample']> {
  const cts = await db.container.findMany({
    where: { customerId: { not: null }, hostname: { not: null }, ostemplate: { not: null } },
    include: { ips: { orderBy: { position: 'asc' } }, customer: true, sourceHost: true },
    orderBy: { sourceCtid: 'asc' },
  });
  const ct = cts.find((c) => c.ips.length >= 2) ?? cts.find((c) => c.ips.length >= 1);
  if (!ct) throw new Error('the seeded lab has no container with a customer and an IP');
  const ip = ct.ips[ct.ips.length - 1]!.address;
  return {
    ctid: ct.sourceCtid,
    hostname: ct.hostname!,
    ip,
    customer: ct.customer!.name,
    ostemplate: ct.ostemplate!,
    hostName: ct.sourceHost.name,
  };
}

/** A container the lab migrates in seconds: a grub2 guest with a hostname, a small quota, IPv4 only. */
function quick(c: {
  ostemplate: string | null;
  hostname: string | null;
  diskQuotaKb: bigint | null;
  ips: { family: number }[];
}): boolean {
  const os = parseOsTemplate(c.ostemplate);
  return Boolean(
    os &&
    !usesLegacyGrub(os) &&
    c.hostname &&
    (c.diskQuotaKb ?? 0n) <= 50n * 1024n * 1024n &&
    c.ips.length > 0 &&
    c.ips.every((ip) => ip.family === 4),
  );
}

/** Two containers the lab migrates in seconds: running, a grub2 guest, IPv4 only, no downtime window. */
async function pickMigratable(db: TestDatabase['prisma']): Promise<Pick<StackFacts, 'migratable' | 'plannable'>> {
  const cts = await db.container.findMany({
    where: { status: 'running' },
    include: { ips: true },
    orderBy: { sourceCtid: 'desc' },
  });
  const [ct, another] = cts.filter(quick);
  if (!ct || !another) throw new Error('the seeded lab has not two containers the pipeline can migrate quickly');
  await db.container.updateMany({ where: { id: { in: [ct.id, another.id] } }, data: { downtimeWindow: null } });
  return {
    migratable: { ctid: ct.sourceCtid, hostname: ct.hostname! },
    plannable: { ctid: another.sourceCtid, hostname: another.hostname! },
  };
}

/**
 * A quick container none of the other journeys use, for the staged journey: its downtime window is set to
 * open in 12 hours (in its customer's time zone), so its staged VM waits, and catches up, until the journey
 * cancels it; and with a window, report.spec's quick container is never this one.
 */
async function pickStaged(db: TestDatabase['prisma'], taken: number[], now: Date): Promise<StackFacts['staged']> {
  const cts = await db.container.findMany({
    where: { status: 'running', sourceCtid: { notIn: taken } },
    include: { ips: true, customer: true },
    orderBy: { sourceCtid: 'desc' },
  });
  const ct = cts.find(quick);
  if (!ct) throw new Error('the seeded lab has no third quick container for the staged journey');
  await db.container.update({
    where: { id: ct.id },
    data: { downtimeWindow: windowIn12Hours(ct.customer?.timezone ?? 'UTC', now) },
  });
  return { ctid: ct.sourceCtid, hostname: ct.hostname! };
}

/** A grub-legacy guest with a hostname and IPv4 addresses only: preflight fails on the boot ISO alone. */
async function pickLegacy(db: TestDatabase['prisma'], notCtid: number): Promise<StackFacts['legacy']> {
  const cts = await db.container.findMany({ include: { ips: true }, orderBy: { sourceCtid: 'asc' } });
  const ct = cts.find((c) => {
    const os = parseOsTemplate(c.ostemplate);
    return (
      c.sourceCtid !== notCtid &&
      os &&
      usesLegacyGrub(os) &&
      c.hostname &&
      c.ips.length > 0 &&
      c.ips.every((ip) => ip.family === 4)
    );
  });
  if (!ct) throw new Error('the seeded lab has no grub-legacy container');
  return { ctid: ct.sourceCtid, hostname: ct.hostname! };
}

function buildWeb(): void {
  log('next build');
  const res = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: path.join(ROOT, 'apps/web'),
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (res.status !== 0) throw new Error('next build failed');
}

function start(argv: string[], env: NodeJS.ProcessEnv, cwd: string): void {
  const child = spawn(argv[0]!, argv.slice(1), { env, cwd, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  children.push(child);
}

async function waitForHttp(url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within 120 s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const c of children) {
      try {
        process.kill(-c.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  }
  process.exit(code);
}

process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
main().catch(async (err: unknown) => {
  console.error(`[e2e stack] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  await stop(1);
});
