// The audit log as a CSV file, with the page's filters (up to 10,000 rows;
// formula-safe cells: packages/core csv-export.ts).
import { toCsv } from '@vzferry/core';
import { auditQuerySchema, listAudit } from '@vzferry/db';
import { auditFilterSchema } from '@/api/audit';
import { server } from '@/server/context';
import { csvFileSchema, route } from '@/server/route';

export const dynamic = 'force-dynamic';

const EXPORT_ROWS = 10_000;

export const GET = route(
  {
    access: 'audit',
    query: auditFilterSchema.omit({ limit: true, before: true }),
    output: csvFileSchema,
    respond: 'csv',
  },
  async ({ query }) => {
    const rows = await exportRows(query);
    const csv = toCsv(
      ['id', 'at', 'actor', 'email', 'role', 'ip', 'action', 'target type', 'target id', 'outcome', 'details'],
      rows.map((r) => [
        r.id,
        r.at,
        r.actor,
        r.email,
        r.role,
        r.ip,
        r.action,
        r.targetType,
        r.targetId,
        r.outcome,
        r.details === null ? null : JSON.stringify(r.details),
      ]),
    );
    return { filename: `vzferry-audit-${new Date().toISOString().slice(0, 10)}.csv`, csv };
  },
);

async function exportRows(filter: Record<string, unknown>) {
  const all = [];
  let before: bigint | undefined;
  while (all.length < EXPORT_ROWS) {
    const page = await listAudit(server().db, auditQuerySchema.parse({ ...filter, before, limit: 500 }));
    all.push(...page);
    if (page.length < 500) break;
    before = page.at(-1)!.id;
  }
  return all;
}
