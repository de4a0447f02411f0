// A stand-in for a hypervisor's vzlist and vzctl in tests: shell scripts that
// print recorded output (the reference samples) and exit with the recorded
// codes. Put `binDir` first on the PATH of whatever runs the commands (a
// local shell, or an sshd's session). Every call is appended to calls.log
// (readFakeVzCalls), so tests can check what arrived, byte for byte.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { shellQuoteWord } from '@vzferry/core';

export interface RecordedCall {
  stdout: string;
  stderr: string;
  exit: number;
}

export interface FakeVzToolsOptions {
  /** what `vzlist -a -j` prints, and its exit code (default 0) */
  vzlistJson: string;
  vzlistExit?: number;
  /** `vzctl <args joined by spaces>` -> recorded result; anything else exits 20 */
  vzctl?: Record<string, RecordedCall>;
}

export function writeFakeVzTools(binDir: string, opts: FakeVzToolsOptions): void {
  mkdirSync(binDir, { recursive: true });
  setVzlistOutput(binDir, opts.vzlistJson, opts.vzlistExit ?? 0);
  // NUL-separated: the argument count, the tool's name, then each argument
  const log = `printf '%s\\0' "$#" "$(basename "$0")" "$@" >> ${shellQuoteWord(path.join(binDir, 'calls.log'))}`;
  script(binDir, 'vzlist', [
    log,
    'here=$(dirname "$0")',
    'case "$*" in',
    '  \'-a -j\') cat "$here/vzlist.json"; exit "$(cat "$here/vzlist.exit")" ;;',
    '  *) echo "fake vzlist: unsupported arguments: $*" >&2; exit 2 ;;',
    'esac',
  ]);
  const cases = Object.entries(opts.vzctl ?? {}).map(
    ([args, r]) =>
      `  ${shellQuoteWord(args)}) printf '%s' ${shellQuoteWord(r.stdout)}; printf '%s' ${shellQuoteWord(r.stderr)} >&2; exit ${r.exit} ;;`,
  );
  script(binDir, 'vzctl', [log, 'case "$*" in', ...cases, "  *) echo 'Invalid command line' >&2; exit 20 ;;", 'esac']);
}

/** Changes what vzlist prints from now on (a re-import sees the new list). */
export function setVzlistOutput(binDir: string, json: string, exit = 0): void {
  writeFileSync(path.join(binDir, 'vzlist.json'), json);
  writeFileSync(path.join(binDir, 'vzlist.exit'), `${exit}\n`);
}

function script(binDir: string, name: string, lines: string[]): void {
  const file = path.join(binDir, name);
  writeFileSync(file, ['#!/bin/sh', ...lines, ''].join('\n'));
  chmodSync(file, 0o755);
}

/** Every call so far, as argv arrays (["vzctl", "exec", "101", "..."]). */
export function readFakeVzCalls(binDir: string): string[][] {
  const file = path.join(binDir, 'calls.log');
  if (!existsSync(file)) return [];
  const tokens = readFileSync(file, 'utf8').split('\0');
  tokens.pop();
  const calls: string[][] = [];
  for (let i = 0; i < tokens.length;) {
    const n = Number(tokens[i]);
    calls.push(tokens.slice(i + 1, i + 2 + n));
    i += 2 + n;
  }
  return calls;
}
