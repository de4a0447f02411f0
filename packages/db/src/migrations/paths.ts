import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** prisma/migrations at the repository root, found from this file. */
export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../prisma/migrations',
);
