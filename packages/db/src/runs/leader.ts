// Every worker runs the scheduler and the reconciler; a PostgreSQL advisory
// lock held for the length of one tick makes sure only one of them acts at a
// time (no leader election to get wrong: a dead worker's lock dies with its
// transaction).
import { createHash } from 'node:crypto';
import { type Db, prismaOf } from '../client';

function lockKey(name: string): bigint {
  return createHash('sha256').update(`vzferry:${name}`).digest().readBigInt64BE(0);
}

export async function withLeaderLock<T>(
  db: Db,
  name: string,
  fn: () => Promise<T>,
  timeoutMs = 120_000,
): Promise<T | null> {
  const client = prismaOf(db);
  return client.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<
        Array<{ locked: boolean }>
      >`SELECT pg_try_advisory_xact_lock(${lockKey(name)}) AS locked`;
      if (!rows[0]?.locked) return null;
      return fn();
    },
    { timeout: timeoutMs, maxWait: 10_000 },
  );
}
