// The only place that creates a Prisma client. Prisma 7 talks to PostgreSQL
// through the pg driver adapter; no query-engine binary is involved.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from './generated/client';

export type Db = PrismaClient;

/** The client or a transaction of it: what a query that may run inside a transaction takes. */
export type Tx = Prisma.TransactionClient | PrismaClient;

export function createDb(databaseUrl: string, opts: { max?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: opts.max ?? 10 });
  return new PrismaClient({ adapter });
}
