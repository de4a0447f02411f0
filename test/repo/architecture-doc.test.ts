// docs/architecture.md is where a newcomer starts: its stage table must lead
// to each stage's file, its state diagrams must be the state tables, and
// every "docs/<file>.md, "<section>"" a comment cites must exist.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BATCH_TRANSITIONS, RUN_TRANSITIONS, STAGE_TRANSITIONS, STAGES } from '@vzferry/core';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOC = 'docs/architecture.md';
const doc = readFileSync(path.join(ROOT, DOC), 'utf8');

/** The edges "from --> to" of the mermaid state diagram that starts with `[*] --> start`. */
function diagramEdges(text: string, start: string): string[] {
  const blocks = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const block = blocks.find((b) => b.includes(`[*] --> ${start}\n`));
  if (!block) throw new Error(`no diagram starting at ${start}`);
  return [...block.matchAll(/^\s*(\w+) --> (\w+)/gm)].map((m) => `${m[1]} --> ${m[2]}`).sort();
}

function tableEdges(table: Record<string, Record<string, string>>): string[] {
  return Object.entries(table)
    .flatMap(([from, tos]) => Object.keys(tos).map((to) => `${from} --> ${to}`))
    .sort();
}

function headings(file: string): string[] {
  return [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.trim());
}

describe('docs/architecture.md', () => {
  it('draws each state machine exactly as its table in packages/core', () => {
    expect(
      diagramEdges(doc, 'pending').filter((e) => !e.startsWith('succeeded') && !e.startsWith('cancelled')),
    ).toEqual(tableEdges(RUN_TRANSITIONS));
    expect(diagramEdges(doc.slice(doc.indexOf('Stage attempt:')), 'pending')).toEqual(tableEdges(STAGE_TRANSITIONS));
    expect(diagramEdges(doc, 'draft')).toEqual(tableEdges(BATCH_TRANSITIONS));
  });

  it('lists every stage, in order, with the file named after it', () => {
    const rows = [...doc.matchAll(/^\| (\d+) \| `(\w+)` \| \[([\w.-]+)\]\(([^)]+)\)/gm)];
    expect(rows.map((r) => r[2])).toEqual([...STAGES]);
    for (const [, n, stage, name, link] of rows) {
      expect(Number(n)).toBe(STAGES.indexOf(stage as (typeof STAGES)[number]) + 1);
      expect(name).toBe(`${stage!.replaceAll('_', '-')}.ts`);
      expect(existsSync(path.resolve(ROOT, 'docs', link!)), link).toBe(true);
    }
  });

  it('links only to files that exist', () => {
    const links = [...doc.matchAll(/\]\((\.\.\/[^)#]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(16);
    expect(links.filter((l) => !existsSync(path.resolve(ROOT, 'docs', l)))).toEqual([]);
  });
});

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f && existsSync(path.join(ROOT, f)));
}

describe('citations of docs/', () => {
  it('name only Markdown files that are in the repository', () => {
    const files = trackedFiles();
    const present = new Set(files.filter((f) => f.endsWith('.md')).map((f) => path.basename(f)));
    const missing = files
      .filter((f) => /\.(ts|tsx|js|prisma|sh|ya?ml)$/.test(f) && !f.startsWith('test/repo/'))
      .flatMap((f) =>
        [...readFileSync(path.join(ROOT, f), 'utf8').matchAll(/\b([\w-]+\.md)\b/g)].map((m) => [f, m[1]!] as const),
      )
      .filter(([, name]) => !present.has(name))
      .map(([f, name]) => `${f}: ${name}`);
    expect(missing).toEqual([]);
  });

  it('name a section that exists (a heading that starts with the cited words)', () => {
    const files = trackedFiles().filter((f) => /\.(ts|tsx|js|prisma|sh|md)$/.test(f));
    const missing: string[] = [];
    for (const file of files) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/(docs\/[\w-]+\.md),? "([^"]+)"/g)) {
        const [, target, cited] = m;
        // a citation may wrap across lines in Markdown
        const section = cited!.replace(/\s+/g, ' ');
        if (!existsSync(path.join(ROOT, target!))) missing.push(`${file}: ${target} does not exist`);
        else if (!headings(target!).some((h) => h.startsWith(section)))
          missing.push(`${file}: ${target} has no section "${section}"`);
      }
    }
    expect(missing).toEqual([]);
  });
});
