// The worker's structured log: one JSON line per event on stdout (pino), at
// the level LOG_LEVEL names. Secrets never reach it: fields that hold one
// are redacted wherever they sit in a logged object, one level deep.
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from '@vzferry/core';

/** the names of the fields that hold a secret (settings, credentials, configuration) */
export const SECRET_FIELDS = [
  'password',
  'secretKey',
  'apiKey',
  'privateKey',
  'passphrase',
  'token',
  'DATABASE_URL',
  'REDIS_URL',
  'VZFERRY_SECRET_KEY',
  'VZFERRY_ADMIN_PASSWORD',
] as const;

export function createLogger(level: Config['LOG_LEVEL'], destination: DestinationStream = pino.destination(1)): Logger {
  return pino(
    {
      level,
      base: { process: 'worker' },
      redact: { paths: SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]), censor: '[redacted]' },
    },
    destination,
  );
}
