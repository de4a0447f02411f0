// Every container config of a hypervisor in ONE remote command (3,000 `cat`s
// over SSH would take minutes). Framing: each file is wrapped in lines that
// carry a random boundary chosen per call, like a MIME multipart body:
//
//   \n<B> BEGIN <ctid>\n<file bytes>\n<B> END <ctid>\n ... <B> DONE\n
//
// A file cannot contain a boundary it never saw, so any content (quotes,
// lines that look like markers, no final newline) passes through exactly,
// and the DONE line proves the stream was not cut short.
import { randomBytes } from 'node:crypto';
import { shellQuoteWord } from '@vzferry/core';
import { toCtid, type Ctid } from './ctid';
import { REMOTE_CONF_DIR } from './commands';
import { OpenVzParseError } from './parse-error';

export interface ConfigBundleCommand {
  argv: string[];
  boundary: string;
}

export function newBoundary(): string {
  return `--vzferry-${randomBytes(12).toString('hex')}--`;
}

export function readAllConfigsCommand(boundary: string = newBoundary(), confDir?: string): ConfigBundleCommand {
  if (!/^--vzferry-[0-9a-f]{8,}--$/.test(boundary)) throw new Error('a config bundle boundary is --vzferry-<hex>--');
  const script = [
    `B='${boundary}'`,
    `cd ${confDir === undefined ? REMOTE_CONF_DIR : shellQuoteWord(confDir)} || exit 3`,
    'for f in [0-9]*.conf; do',
    '  [ -f "$f" ] || continue',
    '  id=${f%.conf}',
    '  case $id in *[!0-9]*) continue ;; esac',
    `  printf '\\n%s BEGIN %s\\n' "$B" "$id"`,
    `  cat -- "$f" || printf '\\n%s UNREADABLE %s' "$B" "$id"`,
    `  printf '\\n%s END %s\\n' "$B" "$id"`,
    'done',
    `printf '%s DONE\\n' "$B"`,
  ].join('\n');
  return { argv: ['sh', '-c', script], boundary };
}

const SOURCE = 'the container config bundle';

/** ctid -> config text; throws when the stream is cut, garbled or a file was unreadable. */
export function parseConfigBundle(stdout: string, boundary: string): Map<Ctid, string> {
  const out = new Map<Ctid, string>();
  const begin = `\n${boundary} BEGIN `;
  if (!stdout.endsWith(`${boundary} DONE\n`)) {
    throw new OpenVzParseError(
      SOURCE,
      'it does not end with its DONE line: the output was cut short (raise maxCaptureBytes?) or the command failed',
    );
  }
  let pos = 0;
  const doneAt = stdout.length - `${boundary} DONE\n`.length;
  while (pos < doneAt) {
    if (!stdout.startsWith(begin, pos)) throw new OpenVzParseError(SOURCE, `expected a BEGIN line at offset ${pos}`);
    const idEnd = stdout.indexOf('\n', pos + begin.length);
    const id = stdout.slice(pos + begin.length, idEnd);
    const ctid = toCtid(id);
    const end = `\n${boundary} END ${id}\n`;
    const endAt = stdout.indexOf(end, idEnd + 1);
    if (endAt < 0) throw new OpenVzParseError(SOURCE, `no END line for container ${id}`);
    const body = stdout.slice(idEnd + 1, endAt);
    if (body.endsWith(`\n${boundary} UNREADABLE ${id}`))
      throw new OpenVzParseError(SOURCE, `${id}.conf could not be read on the hypervisor`);
    if (out.has(ctid)) throw new OpenVzParseError(SOURCE, `container ${id} appears twice`);
    out.set(ctid, body);
    pos = endAt + end.length;
  }
  return out;
}
