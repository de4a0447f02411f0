import { listCustomers } from '@vzferry/db';
import { customerListSchema, customerQuerySchema } from '@/api/customers';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route(
  { access: 'read', query: customerQuerySchema, output: customerListSchema },
  async ({ query }) => listCustomers(server().db, query),
);
