// The web app's health check asks whether PostgreSQL answers; a broken
// connection throws and the check fails.
import type { Db } from './client';

export async function pingDatabase(db: Db): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}
