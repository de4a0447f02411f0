// The web app's health check asks whether PostgreSQL answers; a broken
// connection throws and the check fails.
import { type Db, prismaOf } from './client';

export async function pingDatabase(db: Db): Promise<void> {
  const client = prismaOf(db);
  await client.$queryRaw`SELECT 1`;
}

/**
 * PostgreSQL did not answer or dropped the connection: restarted, shut down,
 * away on the network (SQLSTATE class 08, 57P01-57P03, pg's own "Connection
 * terminated", Prisma's P1001/P1017/P2024), somewhere in the error or its
 * causes. Worth trying again once it is back, unlike an error of the query.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    const { code, message, meta } = e as { code?: unknown; message?: unknown; meta?: unknown };
    const texts = [code, message, ...(meta && typeof meta === 'object' ? Object.values(meta) : [])]
      .map((v) => (typeof v === 'string' ? v : v && typeof v === 'object' ? JSON.stringify(v) : ''))
      .join('\n');
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^08/.test(code))) return true;
    if (UNAVAILABLE_TEXT.test(texts)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', 'P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const UNAVAILABLE_TEXT =
  /Connection terminated|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|Can't reach database server|Server has closed the connection|Code: `(08\d\d\d|57P0[123])`/i;
