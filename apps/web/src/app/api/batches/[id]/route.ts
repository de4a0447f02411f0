import { getBatchView } from '@vzferry/db';
import { batchViewSchema } from '@/api/batches';
import { idParamsSchema } from '@/api/wire';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route({ access: 'read', params: idParamsSchema, output: batchViewSchema }, async ({ params }) =>
  getBatchView(server().db, params.id),
);
