// The reference samples of shared/reference/samples (beside the repository)
// with their provenance lines (//@ or #@) removed: samples/README.md, "Loader
// rule". Used by tests here and by other packages' tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
export const SAMPLES_DIR = process.env.VZFERRY_SAMPLES_DIR ?? path.resolve(REPO_ROOT, '../shared/reference/samples');

export function readSample(relative: string): string {
  const text = readFileSync(path.join(SAMPLES_DIR, relative), 'utf8');
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && /^(\/\/@|#@)/.test(lines[i]!)) i++;
  return lines.slice(i).join('\n');
}
