import { auditQuerySchema, listAudit } from '@vzferry/db';
import { auditFilterSchema, auditPageSchema } from '@/api/audit';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route({ access: 'audit', query: auditFilterSchema, output: auditPageSchema }, async ({ query }) =>
  listAudit(server().db, auditQuerySchema.parse(query)),
);
