import { Redis } from 'ioredis';

/**
 * BullMQ's production advice: producers fail fast (a web request must not
 * hang on a dead Redis: one retry, a short connect time-out), workers retry
 * forever (maxRetriesPerRequest: null). Commands issued before the
 * connection is up wait for it (offline queue) in both roles.
 */
export function createRedis(url: string, role: 'producer' | 'worker'): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    connectTimeout: role === 'worker' ? 10_000 : 3_000,
    enableOfflineQueue: true,
  });
}
