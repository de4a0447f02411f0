import { listFailures } from '@vzferry/db';
import { failuresSchema } from '@/api/failures';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Every failed run, grouped by the stage it failed in and its error code (template downloads first). */
export const GET = route({ access: 'read', output: failuresSchema }, async () => listFailures(server().db));
