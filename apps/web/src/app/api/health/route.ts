import { server } from '@/server/context';
import { handle } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = handle(async () => {
  await server().db.$queryRaw`SELECT 1`;
  return { ok: true };
});
