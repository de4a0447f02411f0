// CSV for people to open in a spreadsheet (reports, the audit log). A cell
// that starts with = + - @ (or a tab or carriage return) would be read as a
// formula by Excel, LibreOffice or Google Sheets: it gets a leading
// apostrophe, as OWASP's "CSV Injection" advice says. Fields are quoted
// (RFC 4180) when they hold a comma, a quote or a line break.
export type CsvCell = string | number | bigint | boolean | Date | null | undefined;

const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  // numbers are numbers: -3 is not a formula
  const safe = typeof value === 'string' && FORMULA.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A header row and the rows, CRLF line ends (RFC 4180). */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
