// The manager's report, read on the server straight from PostgreSQL (the
// same loadReport as GET /api/report); the view then follows it.
import { loadReport } from '@vzferry/db';
import type { Metadata } from 'next';
import { reportSchema } from '@/api/report';
import { NotAllowed, PageHeader } from '@/components/ui';
import { server } from '@/server/context';
import { pageViewer } from '@/server/page-access';
import { ReportView } from './report-view';
import './print.css';

export const metadata: Metadata = { title: 'Report' };
export const dynamic = 'force-dynamic';

export default async function ReportPage() {
  const { allowed } = await pageViewer('report');
  if (!allowed) {
    return (
      <>
        <PageHeader title="Migration report" />
        <NotAllowed what="the report" />
      </>
    );
  }
  // the wire shape (dates as text), as the view gets it from the API when it refreshes
  const initial = reportSchema.parse(await loadReport(server().db));
  return <ReportView initial={initial} />;
}
