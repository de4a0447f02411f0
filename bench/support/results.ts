// What a bench returns, and bench/RESULTS.md, which holds the last figures
// of every bench: `npm run bench -- <names>` rewrites only the sections of
// the benches it ran, each with the machine and the date of its own run, and
// keeps the others as they were.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

/** A bench's figures, each beside its baseline from the same run. */
export interface BenchResult {
  /** the section's heading, e.g. "Template server vs nginx" */
  title: string;
  /** Markdown lines: a table (see `table`), a list or a code block; the verdict against the goal among them */
  lines: string[];
}

export interface Machine {
  cores: number;
  cpu: string;
  kernel: string;
  /** 1-minute load average when the bench started and when it ended */
  loadBefore: number;
  loadAfter: number;
}

export function machineNow(): Omit<Machine, 'loadAfter'> {
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    kernel: `${os.type()} ${os.release()}`,
    loadBefore: os.loadavg()[0]!,
  };
}

/** A Markdown table; cells are escaped for pipes. */
export function table(header: string[], rows: (string | number)[][]): string[] {
  const line = (cells: (string | number)[]) => `| ${cells.map((c) => String(c).replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)];
}

const HEAD = [
  '# Benchmark results',
  '',
  'Written by `npm run bench` (bench/run.ts; what each bench does: bench/README.md). Each section',
  'holds the last run of its bench, with the machine and the date of that run; every figure stands',
  'beside a baseline measured in the same run, so the ratios compare across machines and loads.',
  'Do not edit by hand: run the bench again.',
];

const open = (name: string) => `<!-- bench:${name} -->`;
const close = (name: string) => `<!-- /bench:${name} -->`;
const SECTION = /<!-- bench:([\w-]+) -->\n([\s\S]*?)<!-- \/bench:\1 -->/g;

/** The sections of an existing RESULTS.md by bench name, in file order. */
export function readSections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(SECTION)) out.set(m[1]!, m[2]!);
  return out;
}

export function renderSection(name: string, result: BenchResult, machine: Machine, at: Date): string {
  const load = `${machine.loadBefore.toFixed(1)} at the start, ${machine.loadAfter.toFixed(1)} at the end`;
  return [
    `## ${result.title}`,
    '',
    `\`npm run bench -- ${name}\`, ${at.toISOString().replace(/\.\d+Z$/, 'Z')}; ${machine.cores} cores (${machine.cpu}),` +
      ` load average ${load}, ${machine.kernel}.`,
    '',
    ...result.lines,
    '',
  ].join('\n');
}

/**
 * The file with the new sections put in place of the old ones of the same
 * bench; sections of benches in `order` come in that order, then any others
 * the file held (a bench since renamed or removed is kept, not lost).
 */
export function mergeResults(old: string, fresh: Map<string, string>, order: readonly string[]): string {
  const sections = readSections(old);
  for (const [name, body] of fresh) sections.set(name, body);
  const names = [...order.filter((n) => sections.has(n)), ...[...sections.keys()].filter((n) => !order.includes(n))];
  const body = names.map((n) => `${open(n)}\n${sections.get(n)!}${close(n)}`);
  return [...HEAD, '', ...body.flatMap((b) => [b, ''])].join('\n');
}

export function writeResults(file: string, fresh: Map<string, string>, order: readonly string[]): void {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  writeFileSync(file, mergeResults(old, fresh, order));
}
