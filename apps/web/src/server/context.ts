// The web process's long-lived clients, created once per process (Next may
// evaluate route modules several times; globalThis keeps one of each).
import path from 'node:path';
import { loadConfig, type Config } from '@vzferry/core';
import { createDb, loadSecretBox, type Db, type SecretBox } from '@vzferry/db';
import { createProducer, type Producer } from '@vzferry/queue';

interface ServerContext {
  config: Config;
  db: Db;
  secrets: SecretBox;
  producer: Producer;
}

const holder = globalThis as typeof globalThis & { __vzferry?: ServerContext };

export function server(): ServerContext {
  if (!holder.__vzferry) {
    const config = loadConfig(process.env);
    holder.__vzferry = {
      config,
      db: createDb(config.DATABASE_URL),
      // the worker opens what the web seals: both read the same key
      secrets: loadSecretBox({ secretKey: config.VZFERRY_SECRET_KEY, dataDir: path.resolve(config.VZFERRY_DATA_DIR) }),
      producer: createProducer({ redisUrl: config.REDIS_URL, prefix: config.VZFERRY_QUEUE_PREFIX }),
    };
  }
  return holder.__vzferry;
}
