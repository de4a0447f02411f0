// The manager's report, read on the server straight from PostgreSQL (the
// same loadReport as GET /api/report); the view then follows it.
import { allows } from '@vzferry/core';
import { loadReport } from '@vzferry/db';
import type { Metadata } from 'next';
import { reportSchema } from '@/api/report';
import { ErrorBox, PageHeader } from '@/components/ui';
import { server } from '@/server/context';
import { viewer } from '@/server/viewer';
import { ReportView } from './report-view';
import './print.css';

export const metadata: Metadata = { title: 'Report' };
export const dynamic = 'force-dynamic';

export default async function ReportPage() {
  const v = await viewer();
  if (!allows(v.role, 'report')) {
    return (
      <div>
        <PageHeader title="Migration report" />
        <ErrorBox title="Not for your role">
          The report is for managers, engineers and admins; a {v.role} account cannot open it.
        </ErrorBox>
      </div>
    );
  }
  // the wire shape (dates as text), as the view gets it from the API when it refreshes
  const initial = reportSchema.parse(await loadReport(server().db));
  return <ReportView initial={initial} />;
}
