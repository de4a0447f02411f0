import type { Metadata } from 'next';
import { NotAllowed, PageHeader } from '@/components/ui';
import { pageViewer } from '@/server/page-access';
import { UsersView } from './users-view';

export const metadata: Metadata = { title: 'Users' };
export const dynamic = 'force-dynamic';

export default async function UsersPage() {
  const { allowed } = await pageViewer('administer');
  if (!allowed) {
    return (
      <>
        <PageHeader title="Users" />
        <NotAllowed what="managing users" />
      </>
    );
  }
  return <UsersView />;
}
