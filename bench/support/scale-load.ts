// The load a batch puts on PostgreSQL and Redis, and the CPU of the worker
// processes: counters read before and after the batch, their differences.
// PostgreSQL's are the bench database's own rows of pg_stat_database (the
// server is shared); pg_stat_statements only where the server preloads it.
// Redis is the bench's own server, so INFO commandstats counts the batch only.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { TestDatabase } from '@vzferry/db/testing';

const DB_COUNTERS = [
  'xact_commit',
  'xact_rollback',
  'tup_returned',
  'tup_fetched',
  'tup_inserted',
  'tup_updated',
  'tup_deleted',
  'blks_read',
  'blks_hit',
  'deadlocks',
] as const;
type DbCounters = Record<(typeof DB_COUNTERS)[number], number>;

export async function dbCounters(t: TestDatabase): Promise<DbCounters> {
  // statistics reach the shared view when a backend flushes them (at most once a second)
  await new Promise((r) => setTimeout(r, 1_500));
  const rows = await t.prisma.$queryRawUnsafe<Array<Record<string, bigint>>>(
    `SELECT ${DB_COUNTERS.join(', ')} FROM pg_stat_database WHERE datname = current_database()`,
  );
  return Object.fromEntries(DB_COUNTERS.map((k) => [k, Number(rows[0]?.[k] ?? 0)])) as DbCounters;
}

export function diff<T extends Record<string, number>>(after: T, before: T): T {
  return Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)])) as T;
}

/** Connections to the bench database now (sampled during the batch). */
export async function dbConnections(t: TestDatabase): Promise<number> {
  const rows = await t.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(
    'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()',
  );
  return Number(rows[0]?.n ?? 0);
}

export interface Statements {
  available: boolean;
  why?: string;
  top: Array<{ calls: number; totalMs: number; meanMs: number; query: string }>;
}

/** Resets pg_stat_statements for the bench database; false where the server does not load it. */
export async function resetStatements(t: TestDatabase): Promise<string | null> {
  const loaded = await t.prisma.$queryRawUnsafe<Array<{ v: string }>>(
    "SELECT current_setting('shared_preload_libraries') AS v",
  );
  if (!loaded[0]?.v.split(',').some((l) => l.trim() === 'pg_stat_statements'))
    return `pg_stat_statements is not in shared_preload_libraries (${JSON.stringify(loaded[0]?.v ?? '')}) on this server`;
  await t.prisma.$executeRawUnsafe('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await t.prisma.$queryRawUnsafe(
    'SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)::text',
  );
  return null;
}

export async function topStatements(t: TestDatabase, n: number): Promise<Statements['top']> {
  const rows = await t.prisma.$queryRawUnsafe<Array<{ calls: bigint; total: number; mean: number; query: string }>>(
    `SELECT calls, total_exec_time AS total, mean_exec_time AS mean, query FROM pg_stat_statements
     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
     ORDER BY total_exec_time DESC LIMIT ${Math.trunc(n)}`,
  );
  return rows.map((r) => ({
    calls: Number(r.calls),
    totalMs: r.total,
    meanMs: r.mean,
    query: r.query.replace(/\s+/g, ' ').slice(0, 140),
  }));
}

export interface RedisCounters {
  commands: Map<string, { calls: number; usec: number }>;
  totalCommands: number;
  peakMemoryBytes: number;
}

export function redisCounters(url: string): RedisCounters {
  const { hostname, port } = new URL(url);
  const info = (section: string) =>
    execFileSync('redis-cli', ['-h', hostname, '-p', port, 'INFO', section], { encoding: 'utf8' });
  const commands = new Map<string, { calls: number; usec: number }>();
  for (const m of info('commandstats').matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm))
    commands.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  const field = (text: string, name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return {
    commands,
    totalCommands: field(info('stats'), 'total_commands_processed'),
    peakMemoryBytes: field(info('memory'), 'used_memory_peak'),
  };
}

export function redisDiff(after: RedisCounters, before: RedisCounters) {
  const commands = [...after.commands]
    .map(([name, a]) => {
      const b = before.commands.get(name) ?? { calls: 0, usec: 0 };
      return { name, calls: a.calls - b.calls, usec: a.usec - b.usec };
    })
    .filter((c) => c.calls > 0)
    .sort((x, y) => y.calls - x.calls);
  return {
    commands,
    totalCommands: after.totalCommands - before.totalCommands,
    peakMemoryBytes: after.peakMemoryBytes,
  };
}

/** CPU seconds of a process: its own, and its children's that it waited for (QEMU, rsync, qemu-img). */
export function processCpu(pid: number): { own: number; children: number } {
  // fields after the command's closing parenthesis: utime is the 14th field, stime 15th, cutime 16th, cstime 17th
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = 100; // USER_HZ on Linux
  return { own: (Number(f[11]) + Number(f[12])) / tick, children: (Number(f[13]) + Number(f[14])) / tick };
}
