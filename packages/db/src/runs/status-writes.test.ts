// Every status change of a run, a stage attempt or a batch goes through
// transitions.ts (which follows core's state tables). This reads the source
// of packages/db with the TypeScript parser and fails on any other write of
// `status` to those three tables, naming file and line.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..');
const GUARDED_MODELS = new Set(['migrationRun', 'stageRun', 'batch']);
const WRITES = new Set(['create', 'createMany', 'update', 'updateMany', 'upsert']);
/** where a write's columns are, by method */
const DATA_KEYS = ['data', 'create', 'update'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

function property(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === name) return p.initializer;
  }
  return undefined;
}

/** `status` set in a data object, or in any element of a createMany array. */
function setsStatus(expr: ts.Expression | undefined): boolean {
  if (!expr) return false;
  if (ts.isArrayLiteralExpression(expr)) return expr.elements.some((e) => setsStatus(e));
  if (ts.isObjectLiteralExpression(expr)) {
    return expr.properties.some(
      (p) =>
        (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) &&
        ts.isIdentifier(p.name) &&
        p.name.text === 'status',
    );
  }
  return false;
}

/** Lines (1-based) of writes of `status` to the guarded tables in this source text. */
function statusWrites(text: string, fileName = 'x.ts'): number[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const target = node.expression.expression;
      const model = ts.isPropertyAccessExpression(target) ? target.name.text : null;
      const arg = node.arguments[0];
      if (model && GUARDED_MODELS.has(model) && WRITES.has(method) && arg && ts.isObjectLiteralExpression(arg)) {
        if (DATA_KEYS.some((k) => setsStatus(property(arg, k))))
          lines.push(sf.getLineAndCharacterOfPosition(node.getStart()).line + 1);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return lines;
}

describe('status writes', () => {
  it('are found by the check, wherever they hide', () => {
    const text = [
      "await tx.migrationRun.update({ where: { id }, data: { status: 'failed' } });",
      "await db.stageRun.updateMany({ where: { status: 'pending' }, data: { error: 'x' } });",
      "await tx.batch.upsert({ where: { id }, create: { name, status: 'running' }, update: {} });",
      'await tx.migrationRun.createMany({ data: ids.map((id) => ({ id })) });',
      'await tx.stageRun.createMany({ data: [{ runId, status }] });',
      "await tx.container.update({ where: { id }, data: { status: 'running' } });",
    ].join('\n');
    expect(statusWrites(text)).toEqual([1, 3, 5]);
  });

  it('happen only in transitions.ts', () => {
    const found = sourceFiles(SRC)
      .filter((f) => path.basename(f) !== 'transitions.ts')
      .flatMap((f) => statusWrites(readFileSync(f, 'utf8'), f).map((line) => `${path.relative(SRC, f)}:${line}`));
    expect(found).toEqual([]);
  });
});
