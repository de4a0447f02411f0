// The diff of rewrite_config, backup against rewritten (issue 12): every line
// of the guest's own configuration that the plan drops or changes, with what
// replaced it, except the lines vzctl wrote for venet0 (venet.ts), which are
// expected to go. Pure: the stage passes the backup's files.
import type { ConfigDiff } from '@vzferry/core';
import type { GuestFiles } from '../guest-files';
import { readInterfaces } from './interfaces-file';
import type { ConversionPlan } from './types';
import { isVzctlNetworkKey, isVzctlRoute, keyValue } from './venet';

/** Above this many line pairs the middle of a file is shown as replaced whole (linear time on hostile files). */
const MAX_PAIRS = 250_000;
/** Lines kept per file (the run's log and page): the rest is counted, the whole original is in the backup. */
export const MAX_DIFF_LINES = 200;

export function configDiff(
  plan: Pick<ConversionPlan, 'write' | 'remove' | 'carried'>,
  backup: GuestFiles,
): ConfigDiff[] {
  const out: ConfigDiff[] = [];
  const written = new Map(plan.write.map((w) => [w.path, w.content]));
  for (const w of plan.write) {
    const before = backup.read(w.path);
    if (before === null) continue;
    const lines = fileDiff(w.path, before, w.content);
    if (lines.length) out.push({ from: w.path, to: w.path, lines: capped(lines) });
  }
  for (const r of plan.remove) {
    const before = backup.read(r);
    if (before === null) continue;
    const to = plan.carried[r];
    if (to !== undefined) {
      const lines = fileDiff(r, before, written.get(to) ?? '');
      if (lines.length) out.push({ from: r, to, lines: capped(lines) });
      continue;
    }
    const venet = venetLines(r, before);
    const own = splitLines(before).filter((l, i) => l.trim() !== '' && !venet.has(i)).length;
    if (own) out.push({ from: r, to: null, lines: [`removed: ${own} line${own === 1 ? '' : 's'}`] });
  }
  return out;
}

const capped = (lines: string[]) =>
  lines.length <= MAX_DIFF_LINES
    ? lines
    : [
        ...lines.slice(0, MAX_DIFF_LINES),
        `… ${lines.length - MAX_DIFF_LINES} more lines (the original is in the backup)`,
      ];

/** The hunks of one file that drop or change at least one line that is not vzctl's venet0 config. */
function fileDiff(file: string, before: string, after: string): string[] {
  const a = splitLines(before);
  const b = splitLines(after);
  const venet = venetLines(file, before);
  const out: string[] = [];
  for (const h of hunks(a, b)) {
    const dropped = a.slice(h.a, h.aEnd).filter((l, i) => l.trim() !== '' && !venet.has(h.a + i));
    if (!dropped.length) continue;
    const added = b.slice(h.b, h.bEnd).filter((l) => l.trim() !== '');
    out.push(`@@ line ${h.a + 1}`, ...dropped.map((l) => `- ${l}`), ...added.map((l) => `+ ${l}`));
  }
  return out;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Line numbers (0-based) of what vzctl wrote for venet0 in a file the plan replaces. */
export function venetLines(file: string, content: string): Set<number> {
  const lines = splitLines(content);
  const where = (test: (l: string) => boolean) => new Set(lines.flatMap((l, i) => (test(l) ? [i] : [])));
  if (file === '/etc/network/interfaces') return readInterfaces(content).venetLines;
  if (file === '/etc/sysconfig/network')
    return where((l) => {
      const kv = keyValue(l);
      return kv !== null && isVzctlNetworkKey(kv.key, kv.value);
    });
  if (/\/network-scripts\/ifcfg-venet0(:\d+)?$/.test(file)) return where(() => true);
  if (/\/network-scripts\/route6?-venet0$/.test(file)) return where(isVzctlRoute);
  return new Set();
}

interface Hunk {
  a: number;
  aEnd: number;
  b: number;
  bEnd: number;
}

/** Changed regions of a against b: common ends trimmed, the middle by longest common subsequence. */
function hunks(a: string[], b: string[]): Hunk[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  if (n === 0 && m === 0) return [];
  if (n * m > MAX_PAIRS) return [{ a: start, aEnd: endA, b: start, bEnd: endB }];
  // lcs[i][j]: the LCS length of a[start+i..endA) and b[start+j..endB)
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[start + i] === b[start + j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: Hunk[] = [];
  let i = 0;
  let j = 0;
  let open: Hunk | null = null;
  const close = () => {
    if (open) out.push(open);
    open = null;
  };
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      close();
      i++;
      j++;
      continue;
    }
    open ??= { a: start + i, aEnd: start + i, b: start + j, bEnd: start + j };
    if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) open.aEnd = start + ++i;
    else open.bEnd = start + ++j;
  }
  close();
  return out;
}
