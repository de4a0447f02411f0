// The landing page, by the viewer's role: the engineer's live overview of
// the boxes, hosts, failures and windows; support's customer search; the
// manager's progress numbers. Read on the server, so it opens with data.
import type { Role } from '@vzferry/core';
import { getInventoryState, getMigrationProgress, getOperationsOverview, type Db } from '@vzferry/db';
import type { Metadata } from 'next';
import { inventoryStateSchema, migrationProgressSchema, operationsOverviewSchema } from '@/api/overview';
import { server } from '@/server/context';
import { pageViewer } from '@/server/page-access';
import { EngineerOverview } from './_landing/engineer-overview';
import { InventoryNotice } from './_landing/inventory-notice';
import { ManagerOverview } from './_landing/manager-overview';
import { SupportOverview } from './_landing/support-overview';

export const metadata: Metadata = { title: 'Overview' };
export const dynamic = 'force-dynamic';

export default async function Home() {
  const {
    viewer: { role },
  } = await pageViewer('read');
  const { db } = server();
  const inventory = inventoryStateSchema.parse(await getInventoryState(db));
  return (
    <div>
      <InventoryNotice initial={inventory} />
      {await landingOf(role, db)}
    </div>
  );
}

/** An admin sees what an engineer sees. */
async function landingOf(role: Role, db: Db) {
  switch (role) {
    case 'support':
      return <SupportOverview />;
    case 'manager':
      return <ManagerOverview progress={migrationProgressSchema.parse(await getMigrationProgress(db))} />;
    case 'admin':
    case 'engineer':
      return <EngineerOverview initial={operationsOverviewSchema.parse(await getOperationsOverview(db))} />;
  }
}
