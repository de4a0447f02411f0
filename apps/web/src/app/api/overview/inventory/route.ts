import { getInventoryState } from '@vzferry/db';
import { inventoryStateSchema } from '@/api/overview';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route({ access: 'read', output: inventoryStateSchema }, async () => getInventoryState(server().db));
