// The platform samples in test/samples, with their provenance lines (//@ or
// #@) removed: test/samples/README.md, "Loader rule". Used by tests here, by
// other packages' tests and by the lab's. They live in the repository, with
// no override, so that a clone alone passes its tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
export const SAMPLES_DIR = path.join(REPO_ROOT, 'test', 'samples');

const PROVENANCE = /^(\/\/@|#@)/;

/** A sample's payload, byte for byte; `relative` is e.g. 'openvz/101.conf'. */
export function readSample(relative: string): string {
  const file = path.resolve(SAMPLES_DIR, relative);
  if (!file.startsWith(SAMPLES_DIR + path.sep)) throw new Error(`readSample: ${relative} is not under test/samples`);
  const lines = readFileSync(file, 'utf8').split('\n');
  let i = 0;
  while (i < lines.length && PROVENANCE.test(lines[i]!)) i++;
  return lines.slice(i).join('\n');
}
