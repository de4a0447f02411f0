// The worker process of a converter box. Reads its configuration once,
// consumes the inventory queue (host-key probes, imports), registers the box
// and runs the migration pipeline with its template server, and closes
// cleanly on SIGINT/SIGTERM so a running job is not cut off mid-write (a
// SIGKILL is fine too: the reconciler hands its runs on).
import { statfs } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorMessage, loadConfig } from '@vzferry/core';
import {
  closeDb,
  createDb,
  heartbeatConverterBox,
  loadSecretBox,
  markConverterBoxOffline,
  recordBootCallback,
  registerConverterBox,
  releaseLeasesOfBox,
} from '@vzferry/db';
import { defaultApplianceDir } from './boot-iso/build';
import { bootIsoSource, missingBootIsoError } from './boot-iso/publish';
import { createStageDeps } from './box/stage-deps';
import { deltaPassword, startDeltaServer } from './delta-server';
import { startInventoryWorker } from './inventory-worker';
import { createLogger } from './logger';
import {
  applianceImage,
  dryRunChecks,
  LocalExecutor,
  missingApplianceMessage,
  pipelineHooks,
  STAGE_FUNCTIONS,
  startPipelineEngine,
  workDirectory,
} from '@vzferry/pipeline';
import { removeStaleKeyDirs } from '@vzferry/ssh';
import { removeLegacyKeyDir } from './box/stage-deps';
import { startTemplateServer } from './template-server';

const config = loadConfig(process.env);
const db = createDb(config.DATABASE_URL);
const dataDir = path.resolve(config.VZFERRY_DATA_DIR);
const secrets = loadSecretBox({ secretKey: config.VZFERRY_SECRET_KEY, dataDir });
const logger = createLogger(config.LOG_LEVEL);
const log = (message: string) => logger.info(message);
logger.debug({ config }, 'configuration');

const inventory = startInventoryWorker({
  redisUrl: config.REDIS_URL,
  prefix: config.VZFERRY_QUEUE_PREFIX,
  deps: { db, secrets, log },
});
log(`consuming the inventory queue (prefix ${config.VZFERRY_QUEUE_PREFIX})`);

const workDir = path.resolve(config.WORKER_WORK_DIR);
// customers' disks and images: root's only
await workDirectory(workDir);
// decrypted SSH keys live on a tmpfs for one command each: those of a killed worker go, and so do the
// key files earlier versions kept in VZFERRY_DATA_DIR/keys
for (const dir of [...(await removeStaleKeyDirs()), ...(await removeLegacyKeyDir(dataDir))])
  log(`removed the SSH key files left in ${dir}`);
const disk = async () => {
  const s = await statfs(workDir);
  return { free: BigInt(s.bavail) * BigInt(s.bsize), total: BigInt(s.blocks) * BigInt(s.bsize) };
};
/** Loopback by default: CloudStack refuses it (preflight says so), so a real box sets its interconnect address. */
function templateServerHost(): string {
  const wanted = config.TEMPLATE_SERVER_ADDRESS;
  if (wanted === 'auto') {
    const found = Object.values(os.networkInterfaces())
      .flatMap((l) => l ?? [])
      .find((a) => a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.'));
    if (found) return found.address;
    log('TEMPLATE_SERVER_ADDRESS=auto: this machine has no non-loopback IPv4 address; serving on 127.0.0.1');
    return '127.0.0.1';
  }
  return wanted ?? (config.TEMPLATE_SERVER_PUBLIC_URL ? '0.0.0.0' : '127.0.0.1');
}

const templateServer = await startTemplateServer({
  port: config.TEMPLATE_SERVER_PORT,
  host: templateServerHost(),
  publicUrl: config.TEMPLATE_SERVER_PUBLIC_URL,
  log: (e) =>
    log(
      `template ${e.method} by ${e.remote} for run ${e.runId}: ${e.status}, ${e.bytes} bytes in ${e.ms} ms${e.completed ? '' : ' (incomplete)'}`,
    ),
  async bootCallback(call) {
    const accepted = await recordBootCallback(db, call);
    log(
      `boot ISO call back from ${call.remote} for run ${call.runId}: status ${call.status}${accepted ? '' : " (refused: not the run's token)"}`,
    );
    return accepted;
  },
});
const bootIsoFile = path.resolve(config.BOOT_ISO ?? path.join(workDir, 'vzferry-boot.iso'));
if (config.BOOT_ISO && !existsSync(bootIsoFile)) throw missingBootIsoError(bootIsoFile);
const bootIso = bootIsoSource(templateServer, bootIsoFile);
const servedIso = await bootIso();
log(
  servedIso
    ? `boot ISO for grub-legacy guests: ${servedIso.url}`
    : `no boot ISO at ${bootIsoFile} yet: grub-legacy guests fail preflight until it is built (npm run boot-iso)`,
);

// where the guest's own binaries run (make_bootable, the initramfs before the downtime)
const appliance = {
  image: applianceImage(path.resolve(config.APPLIANCE_DIR ?? defaultApplianceDir(bootIsoFile))),
  kvm: config.APPLIANCE_KVM === 'on',
};
log(
  missingApplianceMessage(appliance.image) ??
    `guest-job appliance: ${appliance.image.kernel} (${appliance.kvm ? 'KVM when /dev/kvm opens' : 'TCG'})`,
);

// staged cutovers: the VM pulls the changes from here (its URL and password are in the VM's disk)
const deltaServer = config.DELTA_SERVER_PORT
  ? await startDeltaServer({
      stateDir: path.join(workDir, '.delta-server'),
      address: new URL(templateServer.url).hostname,
      port: config.DELTA_SERVER_PORT,
      log,
    })
  : null;
const deltaKey = secrets.derive('delta-server');
log(
  deltaServer
    ? `delta server for staged cutovers: rsync on port ${deltaServer.port}`
    : 'no delta server (DELTA_SERVER_PORT is not set): runs on this box use the classic cutover',
);

const space = await disk();
const box = await registerConverterBox(db, {
  name: config.WORKER_NAME ?? os.hostname(),
  workDir,
  freeDiskBytes: space.free,
  totalDiskBytes: space.total,
  cores: os.cpus().length,
  maxConcurrentRuns: config.WORKER_MAX_RUNS,
  templateServerUrl: templateServer.url,
  version: process.env.npm_package_version ?? 'dev',
});
const freed = await releaseLeasesOfBox(db, box.id, `${box.name}:${process.pid}`);
if (freed > 0) log(`resuming ${freed} stage attempt(s) this box's previous process left`);
const deps = createStageDeps({
  db,
  secrets,
  local: new LocalExecutor(),
  templateServer,
  bootIso,
  appliance,
  deltaServer: deltaServer && {
    credentials: (runId) => ({ url: deltaServer.url(runId), password: deltaPassword(deltaKey, runId) }),
    serve: (runId, root) => deltaServer.serve(runId, root, deltaPassword(deltaKey, runId)),
    withdraw: (runId) => deltaServer.withdraw(runId),
  },
});
const engine = startPipelineEngine({
  db,
  redisUrl: config.REDIS_URL,
  queuePrefix: config.VZFERRY_QUEUE_PREFIX,
  box,
  owner: `${box.name}:${process.pid}`,
  stages: STAGE_FUNCTIONS,
  deps,
  hooks: pipelineHooks(deps),
  dryRunChecks,
  concurrency: box.maxConcurrentRuns,
  // what the engine reports are its ticks' failures
  log: (message) => logger.warn({ box: box.name }, message),
});
const beat = setInterval(() => {
  void disk()
    .then((d) => heartbeatConverterBox(db, box.id, d.free))
    .catch((err: unknown) => logger.warn(`heartbeat: ${errorMessage(err)}`));
}, 10_000);
log(
  `converter box ${box.name}: work dir ${workDir}, ${box.maxConcurrentRuns} runs at a time, templates served at ${templateServer.url}`,
);
// the line the tests and scripts wait for, whatever LOG_LEVEL says
console.log('ready');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${signal}: finishing running jobs`);
  clearInterval(beat);
  try {
    await Promise.all([inventory.close(), engine.stop()]);
    await markConverterBoxOffline(db, box.id);
    await deps.close();
    await templateServer.stop();
    await deltaServer?.stop();
    await closeDb(db);
    process.exit(0);
  } catch (err) {
    logger.error(`shutdown: ${errorMessage(err)}`);
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
