// `vzlist -a [-H] -o <fields>` text output -> rows.
//
// kolyshkin/vzctl src/vzlist.c print_one_ve: fixed-width columns joined by one
// space, "-" for an unset value, trailing spaces trimmed. A string column
// that is not the last is cut to its width (hostname 32), and a list column
// (ip) that is not the last shows only its first item (print_strlist), so
// callers that need every IP put `ip` last: `-o ctid,hostname,status,ip`.
import { toCtid, type Ctid } from './ctid';
import { OpenVzParseError } from './parse-error';
import { vzStatusSchema, type VzStatus } from './vzlist-json';

// field name -> header text (field_names[] in vzlist.c)
const HEADERS = {
  ctid: 'CTID',
  hostname: 'HOSTNAME',
  name: 'NAME',
  ostemplate: 'OSTEMPLATE',
  status: 'STATUS',
  numproc: 'NPROC',
  ip: 'IP_ADDR',
} as const;

export type VzlistTextField = keyof typeof HEADERS;

export interface VzlistTextRow {
  ctid: Ctid;
  status?: VzStatus;
  hostname?: string | null;
  name?: string | null;
  ostemplate?: string | null;
  numproc?: number | null;
  /** every IP when `ip` is the last column, else only the first */
  ips?: string[];
}

export const DEFAULT_TEXT_FIELDS: readonly VzlistTextField[] = ['ctid', 'hostname', 'status', 'ip'];

export function parseVzlistText(
  text: string,
  fields: readonly VzlistTextField[] = DEFAULT_TEXT_FIELDS,
): VzlistTextRow[] {
  const source = `vzlist -o ${fields.join(',')} output`;
  if (!fields.includes('ctid')) throw new Error('vzlist text parsing needs the ctid column');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = fields.map((f) => HEADERS[f]).join(' ');
  if (lines.length > 0 && lines[0]!.trim().split(/\s+/).join(' ') === header) lines.shift();
  const rows = lines.map((line, i) => parseLine(line, i + 1, fields, source));
  const seen = new Set<number>();
  for (const row of rows) {
    if (seen.has(row.ctid)) throw new OpenVzParseError(source, `container ${row.ctid} is listed twice`);
    seen.add(row.ctid);
  }
  return rows;
}

function parseLine(line: string, lineNo: number, fields: readonly VzlistTextField[], source: string): VzlistTextRow {
  const tokens = line.trim().split(/[ \t]+/);
  const ipLast = fields[fields.length - 1] === 'ip';
  const fits = ipLast ? tokens.length >= fields.length : tokens.length === fields.length;
  if (!fits)
    throw new OpenVzParseError(
      source,
      `line ${lineNo} has ${tokens.length} columns, expected ${fields.length}: ${JSON.stringify(line)}`,
    );
  const row: Partial<VzlistTextRow> = {};
  fields.forEach((field, i) => {
    const value = field === 'ip' && ipLast ? tokens.slice(i).join(' ') : tokens[i]!;
    try {
      assign(row, field, value);
    } catch (err) {
      throw new OpenVzParseError(
        source,
        `line ${lineNo}, column ${field}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  });
  return row as VzlistTextRow;
}

function assign(row: Partial<VzlistTextRow>, field: VzlistTextField, value: string): void {
  const unset = value === '-';
  switch (field) {
    case 'ctid':
      row.ctid = toCtid(value);
      return;
    case 'status': {
      const status = vzStatusSchema.safeParse(value);
      if (!status.success) throw new Error(`"${value}" is not one of ${vzStatusSchema.options.join(', ')}`);
      row.status = status.data;
      return;
    }
    case 'numproc':
      if (!unset && !/^[0-9]+$/.test(value)) throw new Error(`"${value}" is not a count`);
      row.numproc = unset ? null : Number(value);
      return;
    case 'ip':
      row.ips = unset ? [] : value.split(' ');
      return;
    default:
      row[field] = unset ? null : value;
  }
}
