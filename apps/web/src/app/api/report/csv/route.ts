// One table of the report as a CSV file: ?table=daily|downtime|failures|hosts|customers.
// The downtime file lists every run with a downtime, not only the longest
// that the page shows.
import { reportCsvFilename, reportTableCsv } from '@vzferry/core';
import { listDowntimes, loadReport } from '@vzferry/db';
import { reportCsvQuerySchema } from '@/api/report';
import { server } from '@/server/context';
import { csvFileSchema, route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route(
  { access: 'report', query: reportCsvQuerySchema, output: csvFileSchema, respond: 'csv' },
  async ({ query }) => {
    const { db } = server();
    const now = new Date();
    const filename = reportCsvFilename(query.table, now);
    if (query.table === 'downtime') return { filename, csv: reportTableCsv('downtime', await listDowntimes(db)) };
    const report = await loadReport(db, { now });
    return { filename, csv: reportTableCsv(query.table, report[query.table]) };
  },
);
