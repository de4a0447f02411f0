import { pingDatabase } from '@vzferry/db';
import { healthSchema } from '@/api/health';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route({ access: 'public', output: healthSchema }, async () => {
  await pingDatabase(server().db);
  return { ok: true };
});
