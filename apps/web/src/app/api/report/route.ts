// The manager's report: progress over time, throughput, downtime, the
// completion estimate, failure reasons, per host and per customer.
import { loadReport } from '@vzferry/db';
import { reportSchema } from '@/api/report';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route({ access: 'report', output: reportSchema }, async () => loadReport(server().db));
