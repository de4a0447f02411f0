// The web app's health check asks whether PostgreSQL answers; a broken
// connection throws and the check fails.
import { type Db, prismaOf } from './client';

export async function pingDatabase(db: Db): Promise<void> {
  const client = prismaOf(db);
  await client.$queryRaw`SELECT 1`;
}
