// The line syntax of /etc/vz/conf/<CTID>.conf and /etc/vz/vz.conf, as
// vzctl reads it (kolyshkin/vzctl src/lib/util.c parse_line, unescapestr):
//
// - a backslash escapes the next character (removed before anything else);
// - blank lines and lines whose first non-blank character is "#" are
//   skipped; there are no comments after a value;
// - KEY is everything before the first "=", VALUE everything after it with
//   trailing blanks removed; a VALUE starting with a double quote runs to
//   the LAST double quote of the line (strrchr), so inner quotes survive;
// - a line without "=" or with an unmatched quote is skipped with a
//   warning, like vzctl does ("Warning: can't parse ..., skipping").
//
// Values are taken literally: vzctl does not run the file through a shell,
// so "$(...)" or backticks in a value are just characters.
export interface ConfigEntry {
  key: string;
  value: string;
  line: number;
}

export interface ConfigLines {
  entries: ConfigEntry[];
  warnings: string[];
}

export function parseConfigLines(text: string): ConfigLines {
  const entries: ConfigEntry[] = [];
  const warnings: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const body = unescape(raw).trim();
    if (body === '' || body.startsWith('#')) return;
    const eq = body.indexOf('=');
    if (eq < 0) return void warnings.push(`line ${line}: no "=" found, skipped`);
    const key = body.slice(0, eq);
    let value = body.slice(eq + 1);
    if (value.startsWith('"')) {
      const close = value.lastIndexOf('"');
      if (close === 0) return void warnings.push(`line ${line}: unmatched quotes, skipped`);
      value = value.slice(1, close);
    }
    entries.push({ key, value, line });
  });
  return { entries, warnings };
}

function unescape(s: string): string {
  return s.includes('\\') ? s.replace(/\\(.?)/g, '$1') : s;
}

/** "$VEID" or "${VEID}" (first occurrence) -> the ctid; trailing "/" dropped (src/lib/util.c subst_VEID). */
export function substVeid(value: string, ctid: number): string {
  const trimmed = value.replace(/\/+$/, '');
  const i = trimmed.search(/\$VEID|\$\{VEID\}/);
  if (i < 0) return trimmed;
  const len = trimmed.startsWith('${', i) ? 7 : 5;
  return trimmed.slice(0, i) + String(ctid) + trimmed.slice(i + len);
}
