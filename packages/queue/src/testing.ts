// For tests: every queue of a test gets a prefix of its own; this deletes
// all of that prefix's keys (a test that simulates Redis losing its data
// calls it mid-run too).
import { createRedis } from './connection';

export async function wipeQueues(redisUrl: string, prefix: string | undefined): Promise<void> {
  if (!prefix) return;
  const redis = createRedis(redisUrl, 'producer');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}
