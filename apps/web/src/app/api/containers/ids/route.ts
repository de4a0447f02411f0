import { containerIdsMatching } from '@vzferry/db';
import { z } from 'zod';
import { containerIdsSchema } from '@/api/planner';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** A batch holds at most this many containers. */
const MAX_CONTAINERS = 5000;

/** The ids of every container the containers page's filter (its query) matches: "select all matching". */
export const GET = route(
  { access: 'read', query: z.record(z.string(), z.string()), output: containerIdsSchema },
  async ({ query }) => containerIdsMatching(server().db, query, MAX_CONTAINERS),
);
