import { getOperationsOverview } from '@vzferry/db';
import { operationsOverviewSchema } from '@/api/overview';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route({ access: 'read', output: operationsOverviewSchema }, async () =>
  getOperationsOverview(server().db),
);
