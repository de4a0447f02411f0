import type { Metadata } from 'next';
import { NotAllowed, PageHeader } from '@/components/ui';
import { pageViewer } from '@/server/page-access';
import { SettingsView } from './settings-view';

export const metadata: Metadata = { title: 'Settings' };
export const dynamic = 'force-dynamic';

export default async function SettingsPage() {
  const { allowed } = await pageViewer('administer');
  if (!allowed) {
    return (
      <>
        <PageHeader title="Settings" />
        <NotAllowed what="changing the settings" />
      </>
    );
  }
  return <SettingsView />;
}
