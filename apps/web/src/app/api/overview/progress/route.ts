import { getMigrationProgress } from '@vzferry/db';
import { migrationProgressSchema } from '@/api/overview';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route({ access: 'read', output: migrationProgressSchema }, async () =>
  getMigrationProgress(server().db),
);
