// `npm run demo:seed`: seeds (again) from the running lab, as `npm start`
// does after the lab is up. Needs a worker running (it probes and imports).
import path from 'node:path';
import { errorMessage, loadConfig } from '@vzferry/core';
import { closeDb, createDb, loadSecretBox } from '@vzferry/db';
import { readLabManifest } from '@vzferry/lab/manifest';
import { createProducer } from '@vzferry/queue';
import { seedFromLab } from '@vzferry/lab/seed';

const ROOT = path.resolve(import.meta.dirname, '..');
const config = loadConfig({
  ...process.env,
  VZFERRY_DATA_DIR: path.resolve(ROOT, process.env.VZFERRY_DATA_DIR ?? '.data'),
});
const db = createDb(config.DATABASE_URL);
const producer = createProducer({ redisUrl: config.REDIS_URL, prefix: config.VZFERRY_QUEUE_PREFIX });
try {
  const manifest = readLabManifest(path.resolve(ROOT, config.LAB_DIR));
  await seedFromLab(
    {
      db,
      producer,
      secrets: loadSecretBox({ secretKey: config.VZFERRY_SECRET_KEY, dataDir: config.VZFERRY_DATA_DIR }),
      log: (l) => console.log(l),
    },
    manifest,
  );
} catch (err) {
  console.error(`demo:seed: ${errorMessage(err)}`);
  process.exitCode = 1;
} finally {
  await producer.close();
  await closeDb(db);
}
