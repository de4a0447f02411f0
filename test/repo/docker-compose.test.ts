// docker-compose.yml cannot run here (no Docker engine), so this keeps it
// consistent with the code: the services exist, their commands are npm
// scripts that exist, every variable they set is one the code reads, and the
// database and Redis they point at are the ones compose starts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '@vzferry/core';

const root = path.resolve(import.meta.dirname, '../..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const scripts: Record<string, string> = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;
const known = new Set(Object.keys(configSchema.shape));
const appServices = ['web', 'worker', 'lab'];

describe('docker-compose.yml', () => {
  it('has postgres, redis, web, worker and lab', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['lab', 'postgres', 'redis', 'web', 'worker']);
  });

  it('runs only npm scripts that exist', () => {
    for (const name of appServices) {
      const command: string[] = compose.services[name].command;
      const line = command.join(' ');
      const used = [...line.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
      expect(used.length, `${name} runs an npm script`).toBeGreaterThan(0);
      for (const script of used) expect(scripts[script], `npm run ${script} (${name})`).toBeDefined();
    }
  });

  it('sets only variables the code reads, and points them at the compose services', () => {
    for (const name of appServices) {
      const env: Record<string, string> = compose.services[name].environment;
      for (const key of Object.keys(env)) expect(known.has(key), `${name}: ${key} is read by loadConfig`).toBe(true);
      expect(configSchema.safeParse(env).success, `${name}: environment parses`).toBe(true);
      const db = new URL(env.DATABASE_URL!);
      const pgEnv = compose.services.postgres.environment;
      expect(db.hostname).toBe('postgres');
      expect(db.password).toBe(pgEnv.POSTGRES_PASSWORD);
      expect(db.pathname).toBe(`/${pgEnv.POSTGRES_DB}`);
      expect(new URL(env.REDIS_URL!).hostname).toBe('redis');
    }
  });

  it("publishes the web port the app listens on to the host's loopback only, and keeps Redis from evicting BullMQ keys", () => {
    const webPort = configSchema.parse({}).WEB_PORT;
    expect(compose.services.web.ports).toContain(`127.0.0.1:${webPort}:${webPort}`);
    // in its container the app listens on the container's interfaces: the published port is the door
    expect(compose.services.web.environment.WEB_HOST).toBe('0.0.0.0');
    expect(compose.services.redis.command.join(' ')).toMatch(/--maxmemory-policy noeviction/);
  });
});
