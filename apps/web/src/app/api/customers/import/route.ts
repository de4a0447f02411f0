// The customer CSV upload: the body is the CSV text itself. A file with any
// bad row changes nothing; the refusal lists every bad row with its line.
import { AppError, CUSTOMER_CSV_MAX_BYTES, parseCustomerCsv, safeTextFile, type RowError } from '@vzferry/core';
import { applyCustomerRows } from '@vzferry/db';
import { customerImportSchema } from '@/api/customers';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const POST = route(
  {
    access: 'operate',
    audit: { action: 'customers.import', target: 'Customer' },
    // a NUL byte anywhere is a 400 naming its line: PostgreSQL text cannot hold one
    body: safeTextFile(),
    bodyFormat: 'text',
    maxBodyBytes: CUSTOMER_CSV_MAX_BYTES,
    output: customerImportSchema,
  },
  async ({ body, audit }) => {
    const parsed = parseCustomerCsv(body);
    if (parsed.errors.length > 0) throw refused(parsed.errors);
    const result = await applyCustomerRows(server().db, parsed.rows);
    if (!result.ok) throw refused(result.errors);
    audit({
      details: {
        customersCreated: result.customersCreated,
        customersUpdated: result.customersUpdated,
        containersAssigned: result.containersAssigned,
      },
    });
    return result;
  },
);

function refused(errors: RowError[]): AppError {
  const rows = errors.length === 1 ? '1 row has an error' : `${errors.length} rows have errors`;
  return new AppError('customers_invalid', `${rows}; nothing was imported`, { details: errors });
}
