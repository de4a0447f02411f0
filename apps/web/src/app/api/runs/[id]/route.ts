import { getRunView } from '@vzferry/db';
import { RUN_LOG_LINES, runViewSchema } from '@/api/runs';
import { idParamsSchema } from '@/api/wire';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route({ access: 'read', params: idParamsSchema, output: runViewSchema }, async ({ params }) =>
  getRunView(server().db, params.id, { events: RUN_LOG_LINES }),
);
