// Values for JSON columns. What the pipeline keeps as JSON (stage results,
// log data) may hold bigints (byte counts), which JSON has no type for:
// they are stored as strings.
import type { Prisma } from './generated/client';

export function toJsonValue(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}
