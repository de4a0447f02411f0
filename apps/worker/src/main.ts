// The worker process of a converter box. Reads its configuration once,
// consumes the inventory queue (host-key probes, imports) and closes cleanly
// on SIGINT/SIGTERM so a running job is not cut off mid-write.
import { errorMessage, loadConfig } from '@vzferry/core';
import { createDb, loadSecretBox } from '@vzferry/db';
import { startInventoryWorker } from './inventory-worker';

const config = loadConfig(process.env);
const db = createDb(config.DATABASE_URL);
const secrets = loadSecretBox({ secretKey: config.VZFERRY_SECRET_KEY, dataDir: config.VZFERRY_DATA_DIR });
const log = (message: string) => console.log(`[worker] ${message}`);

const inventory = startInventoryWorker({ redisUrl: config.REDIS_URL, prefix: config.VZFERRY_QUEUE_PREFIX, deps: { db, secrets, log } });
log(`consuming the inventory queue (prefix ${config.VZFERRY_QUEUE_PREFIX})`);
console.log('ready');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${signal}: finishing running jobs`);
  try {
    await inventory.close();
    await db.$disconnect();
    process.exit(0);
  } catch (err) {
    console.error(`[worker] shutdown: ${errorMessage(err)}`);
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
