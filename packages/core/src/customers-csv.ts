// The customer CSV an engineer uploads: which customer owns which container,
// their e-mail, time zone and preferred downtime window. Rows name the
// container by CTID (with an optional source host, for CTIDs that repeat
// across hypervisors) or by hostname. Every bad row is reported with its line
// number and reason; the caller applies a file only when it has none.
import { CsvError, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { downtimeWindowSchema, isValidTimeZone } from './downtime-window';

export const CUSTOMER_CSV_COLUMNS = [
  'ctid',
  'host',
  'hostname',
  'customer',
  'email',
  'timezone',
  'downtime_window',
] as const;
const REQUIRED_COLUMNS = ['customer', 'email'] as const;
export const CUSTOMER_CSV_MAX_BYTES = 10 * 1024 * 1024;

export interface CsvRecord {
  /** 1-based line of the file where the record starts */
  line: number;
  fields: string[];
}

export interface RowError {
  line: number;
  reason: string;
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/**
 * RFC 4180 (csv-parse): comma-separated, fields may be quoted with "..." (a
 * doubled "" is a quote), quoted fields may hold commas and line breaks;
 * CRLF, LF or CR line ends, even mixed; a leading BOM is dropped. Blank lines
 * are skipped. Throws CsvSyntaxError with the line of the bad record.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  // every line ends a record (blank lines too), so a record starts on the line after the previous one ended
  let lastLine = 0;
  try {
    // one line end for csv-parse, which takes a single record delimiter (a mixed
    // file would fail) and counts lines wrongly with several; a line break
    // inside a quoted field becomes \n, which no column of ours can hold anyway
    parse(text.replace(/\r\n?/g, '\n'), {
      bom: true,
      // the caller reports a row with the wrong number of fields, with its line
      relax_column_count: true,
      record_delimiter: '\n',
      on_record: (fields: string[], { lines }) => {
        const blank = fields.length === 1 && fields[0]!.trim() === '';
        if (!blank) records.push({ line: lastLine + 1, fields });
        lastLine = lines;
        return null;
      },
    });
  } catch (err) {
    if (err instanceof CsvError) throw syntaxError(err, lastLine + 1);
    throw err;
  }
  return records;
}

// csv-parse's codes -> what an engineer fixing the file needs to read
const SYNTAX_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed',
  CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field',
};

function syntaxError(err: CsvError, recordStart: number): CsvSyntaxError {
  // an unclosed quote runs to the end of the file: the record where it opened is the useful line
  const line = err.code === 'CSV_QUOTE_NOT_CLOSED' ? recordStart : ((err as { lines?: number }).lines ?? recordStart);
  return new CsvSyntaxError(line, SYNTAX_PROBLEMS[err.code] ?? err.message);
}

const emptyToUndefined = (v: unknown) =>
  typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v;

export const customerRowSchema = z
  .object({
    ctid: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ message: 'ctid must be a number' })
        .int('ctid must be a whole number')
        .min(1, 'ctid must be at least 1')
        .max(2147483647, 'ctid is too large')
        .optional(),
    ),
    host: z.preprocess(emptyToUndefined, z.string().max(255).optional()),
    hostname: z.preprocess(emptyToUndefined, z.string().max(255).optional()),
    customer: z.preprocess(
      emptyToUndefined,
      z.string({ message: 'customer is empty' }).max(200, 'customer name is longer than 200 characters'),
    ),
    email: z.preprocess(
      emptyToUndefined,
      z
        .email({ message: 'email is not an e-mail address' })
        .max(320)
        .transform((e) => e.toLowerCase()),
    ),
    timezone: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .refine(isValidTimeZone, { message: 'timezone is not an IANA time zone (e.g. Europe/Berlin)' })
        .default('UTC'),
    ),
    downtime_window: z.preprocess(emptyToUndefined, downtimeWindowSchema.optional()),
  })
  .refine((r) => r.ctid !== undefined || r.hostname !== undefined, { message: 'a row needs a ctid or a hostname' });

export type CustomerRow = z.infer<typeof customerRowSchema> & { line: number };

export interface ParsedCustomerCsv {
  rows: CustomerRow[];
  errors: RowError[];
}

/** Parses and validates the whole file; rows with errors are not in `rows`. */
export function parseCustomerCsv(text: string): ParsedCustomerCsv {
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      return { rows: [], errors: [{ line: err.line, reason: err.message.replace(/^line \d+: /, '') }] };
    throw err;
  }
  const header = records.shift();
  if (!header) return { rows: [], errors: [{ line: 1, reason: 'the file is empty; expected a header line' }] };
  const columns = header.fields.map((f) => f.trim().toLowerCase());
  const headerErrors = checkHeader(columns, header.line);
  if (headerErrors.length > 0) return { rows: [], errors: headerErrors };
  if (records.length === 0)
    return { rows: [], errors: [{ line: header.line, reason: 'the file has a header but no rows' }] };

  const rows: CustomerRow[] = [];
  const errors: RowError[] = [];
  for (const rec of records) {
    if (rec.fields.length !== columns.length) {
      errors.push({ line: rec.line, reason: `has ${rec.fields.length} fields, the header has ${columns.length}` });
      continue;
    }
    const parsed = customerRowSchema.safeParse(Object.fromEntries(columns.map((c, i) => [c, rec.fields[i]])));
    if (parsed.success) rows.push({ ...parsed.data, line: rec.line });
    else errors.push({ line: rec.line, reason: parsed.error.issues.map((i) => i.message).join('; ') });
  }
  errors.push(...crossRowErrors(rows));
  errors.sort((a, b) => a.line - b.line);
  return { rows, errors };
}

function checkHeader(columns: string[], line: number): RowError[] {
  const errors: RowError[] = [];
  const unknown = columns.filter((c) => !(CUSTOMER_CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0)
    errors.push({
      line,
      reason: `unknown column ${unknown.map((c) => `"${c}"`).join(', ')}; the columns are ${CUSTOMER_CSV_COLUMNS.join(', ')}`,
    });
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) errors.push({ line, reason: `missing column ${missing.join(', ')}` });
  if (!columns.includes('ctid') && !columns.includes('hostname'))
    errors.push({ line, reason: 'needs a ctid or a hostname column' });
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup) errors.push({ line, reason: `column "${dup}" appears twice` });
  return errors;
}

/** One e-mail is one customer: the same e-mail with another name or time zone is a mistake. */
function crossRowErrors(rows: CustomerRow[]): RowError[] {
  const errors: RowError[] = [];
  const byEmail = new Map<string, CustomerRow>();
  for (const row of rows) {
    const first = byEmail.get(row.email);
    if (!first) byEmail.set(row.email, row);
    else if (first.customer !== row.customer)
      errors.push({
        line: row.line,
        reason: `${row.email} is "${first.customer}" on line ${first.line}, "${row.customer}" here`,
      });
    else if (first.timezone !== row.timezone)
      errors.push({
        line: row.line,
        reason: `${row.email} has time zone ${first.timezone} on line ${first.line}, ${row.timezone} here`,
      });
  }
  return errors;
}
