import { mkdtemp, mkdir, writeFile, cp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migrate, readMigrations } from '../src';
import { createEmptyDatabase } from '../src/testing';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function emptyDb() {
  const db = await createEmptyDatabase('mig');
  cleanups.push(db.drop);
  return db.url;
}

async function rows(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

async function copyMigrations() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vzferry-mig-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe('migration runner', () => {
  it('applies every migration once and records it the way prisma migrate deploy does', async () => {
    const url = await emptyDb();
    const first = await migrate(url, MIGRATIONS_DIR);
    const files = await readMigrations(MIGRATIONS_DIR);
    expect(first.applied).toEqual(files.map((f) => f.name));

    const recorded = await rows(
      url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(recorded.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, r] of recorded.entries()) {
      expect(r.checksum).toBe(files[i]!.checksum);
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.applied_steps_count).toBe(1);
      expect(r.rolled_back_at).toBeNull();
    }

    const second = await migrate(url, MIGRATIONS_DIR);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toHaveLength(files.length);
  });

  it('refuses to go on when an applied migration was edited afterwards', async () => {
    const url = await emptyDb();
    const dir = await copyMigrations();
    await migrate(url, dir);
    const [first] = await readMigrations(dir);
    await writeFile(path.join(dir, first!.name, 'migration.sql'), first!.sql + '\n-- edited\n');
    await expect(migrate(url, dir)).rejects.toThrow(/was modified after it was applied/);
  });

  it('rolls back a failing migration, records its error and refuses later runs until resolved', async () => {
    const url = await emptyDb();
    const dir = await copyMigrations();
    await mkdir(path.join(dir, '29991231000000_broken'));
    await writeFile(
      path.join(dir, '29991231000000_broken', 'migration.sql'),
      'CREATE TABLE "Half" (id INT);\nSELECT no_such_function();\n',
    );
    await expect(migrate(url, dir)).rejects.toThrow(/29991231000000_broken failed/);
    const half = await rows(url, `SELECT to_regclass('"Half"') AS t`);
    expect(half[0].t).toBeNull();
    const failed = await rows(
      url,
      `SELECT finished_at, logs FROM "_prisma_migrations" WHERE migration_name = '29991231000000_broken'`,
    );
    expect(failed[0].finished_at).toBeNull();
    expect(failed[0].logs).toMatch(/no_such_function/);
    await expect(migrate(url, dir)).rejects.toThrow(/failed earlier/);
  });

  it('rejects a folder that is not named like a Prisma migration', async () => {
    const dir = await copyMigrations();
    await mkdir(path.join(dir, 'add-things'));
    await expect(readMigrations(dir)).rejects.toThrow(/not named/);
  });
});
