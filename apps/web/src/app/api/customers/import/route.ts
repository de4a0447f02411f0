// The customer CSV upload: the body is the CSV text itself. A file with any
// bad row changes nothing; the answer lists every bad row with its line.
import { AppError, CUSTOMER_CSV_MAX_BYTES, parseCustomerCsv } from '@vzferry/core';
import { applyCustomerRows } from '@vzferry/db';
import { server, WEB_ACTOR } from '@/server/context';
import { handle } from '@/server/route';

export const dynamic = 'force-dynamic';

export const POST = handle(async (req) => {
  const text = await req.text();
  if (Buffer.byteLength(text) > CUSTOMER_CSV_MAX_BYTES) throw new AppError('too_large', `the file is larger than ${CUSTOMER_CSV_MAX_BYTES / 1024 / 1024} MiB`);
  const parsed = parseCustomerCsv(text);
  if (parsed.errors.length > 0) return Response.json({ ok: false, errors: parsed.errors });
  const result = await applyCustomerRows(server().db, parsed.rows, WEB_ACTOR);
  return Response.json(result, { status: result.ok ? 200 : 422 });
});
