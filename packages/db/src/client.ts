// The only place that creates a Prisma client. Prisma 7 talks to PostgreSQL
// through the pg driver adapter; no query-engine binary is involved.
//
// Apps hold a Db: a handle they pass to the queries this package exports.
// The Prisma client behind it is this package's alone (prismaOf is not
// exported from the package), so every query lives here.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from './generated/client';

// On the handle under a registered symbol rather than in a module-level map:
// a bundler (Next) may load this module twice, and a handle made by one copy
// must open in the other.
const CLIENT = Symbol.for('vzferry.db.client');

export class Db {
  // a private member makes the type nominal: only createDb makes one
  declare private readonly brand: never;

  /** the database it talks to, for log lines (no password) */
  readonly label: string;

  constructor(label: string) {
    this.label = label;
  }
}

/** The client or a transaction of it: what a query that may run inside a transaction takes. */
export type Tx = Prisma.TransactionClient | PrismaClient;

export function createDb(databaseUrl: string, opts: { max?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: opts.max ?? 10 });
  const url = new URL(databaseUrl);
  const db = new Db(`${url.hostname}:${url.port || 5432}${url.pathname}`);
  Object.defineProperty(db, CLIENT, { value: new PrismaClient({ adapter }), enumerable: false });
  return db;
}

/** The Prisma client behind a handle (packages/db only). */
export function prismaOf(db: Db): PrismaClient {
  const client: unknown = Reflect.get(db, CLIENT);
  if (!isClient(client)) throw new Error('not a database handle made by createDb');
  return client;
}

function isClient(value: unknown): value is PrismaClient {
  return typeof value === 'object' && value !== null && '$transaction' in value && '$disconnect' in value;
}

/** Closes the handle's connections (a process that ends, a test's database). */
export async function closeDb(db: Db): Promise<void> {
  await prismaOf(db).$disconnect();
}
