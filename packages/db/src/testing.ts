// Integration tests get a database of their own: created fresh, migrated with
// the real runner, dropped afterwards. Tests never share state through the
// database, so test files can run in parallel.
import { randomBytes } from 'node:crypto';
import type { InventoryContainer } from '@vzferry/core';
import pg from 'pg';
import { closeDb, createDb, prismaOf, type Db } from './client';
import type { PrismaClient } from './generated/client';
import { MIGRATIONS_DIR } from './migrations/paths';
import { migrate } from './migrations/runner';

export interface TestDatabase {
  url: string;
  /** the handle the code under test takes */
  db: Db;
  /** for a test's own setup and assertions: the tables themselves */
  prisma: PrismaClient;
  drop(): Promise<void>;
}

const SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** serverUrl: another server's maintenance database (a fault test's private cluster) */
export async function createTestDatabase(label = 'test', serverUrl = SERVER_URL): Promise<TestDatabase> {
  const name = `vzferry_${label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)}`, serverUrl);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString(), MIGRATIONS_DIR);
  const db = createDb(url.toString(), { max: 4 });
  return {
    url: url.toString(),
    db,
    prisma: prismaOf(db),
    async drop() {
      await closeDb(db);
      await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`, serverUrl);
    },
  };
}

export async function createEmptyDatabase(label = 'empty'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `vzferry_${label}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
  };
}

async function adminQuery(sql: string, serverUrl = SERVER_URL): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A container as an import hands it to applyInventory, for tests and benchmarks: override what matters. */
export function sampleInventoryContainer(ctid: number, over: Partial<InventoryContainer> = {}): InventoryContainer {
  return {
    ctid,
    hostname: `ct${ctid}.example.net`,
    name: null,
    description: null,
    status: 'running',
    ostemplate: 'debian-12.0-x86_64',
    layout: 'simfs',
    privatePath: `/vz/private/${ctid}`,
    rootPath: `/vz/root/${ctid}`,
    diskQuotaKb: 10485760n,
    diskUsedKb: 1000n,
    inodesUsed: 10n,
    inodesLimit: 1000n,
    ramMb: 1024,
    swapMb: 512,
    cpus: 1,
    cpuUnits: 1000,
    cpuLimit: 0,
    onboot: true,
    nameservers: [],
    searchDomains: [],
    ips: [{ address: `198.51.100.${ctid % 250}`, family: 4, prefix: null }],
    nics: [],
    ...over,
  };
}
