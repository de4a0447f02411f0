import type { Metadata } from 'next';
import { NotAllowed, PageHeader } from '@/components/ui';
import { pageViewer } from '@/server/page-access';
import { AuditView } from './audit-view';

export const metadata: Metadata = { title: 'Audit log' };
export const dynamic = 'force-dynamic';

export default async function AuditPage() {
  const { allowed } = await pageViewer('audit');
  if (!allowed) {
    return (
      <>
        <PageHeader title="Audit log" />
        <NotAllowed what="reading the audit log" />
      </>
    );
  }
  return <AuditView />;
}
