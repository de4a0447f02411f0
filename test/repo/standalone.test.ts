// A clone of this repository alone must pass its tests (.ci/run proves it by
// running them from a fresh clone with nothing beside it). This catches the
// cheap way to break that before CI does: a tracked file that names a path
// outside the repository, in code or in a comment that sends a reader there.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOutsidePaths } from './outside-paths';

const root = path.resolve(import.meta.dirname, '../..');

function trackedTextFiles(): Array<{ file: string; text: string }> {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  return files
    .filter((file) => existsSync(path.join(root, file)))
    .map((file) => ({ file, bytes: readFileSync(path.join(root, file)) }))
    .filter(({ bytes }) => !bytes.includes(0))
    .map(({ file, bytes }) => ({ file, text: bytes.toString('utf8') }));
}

function findingsIn(files: Array<{ file: string; text: string }>) {
  return files.flatMap(({ file, text }) => findOutsidePaths(text).map((f) => ({ file, ...f })));
}

// Built from pieces so that this file does not contain what it looks for.
const sibling = '../' + 'shared/' + 'reference/samples';
const segments = ["'..'", "'shared'"].join(', ');
const collection = ['shared', 'reference', 'openvz.md'].join('/');
const otherCheckout = ['', 'work', 'main', 'package.json'].join('/');
const designNotes = ['DESIGN', 'md'].join('.');

describe('the repository stands alone', () => {
  it('flags each kind of outside path, with its line', () => {
    const text = [
      'const ok = 1;',
      `const dir = path.resolve(ROOT, '${sibling}');`,
      `const up = path.join(ROOT, ${segments});`,
      `// see ${collection}`,
      `cp ${otherCheckout} .`,
      `// the stage order of ${designNotes}`,
    ].join('\n');
    expect(findOutsidePaths(text).map((f) => [f.line, f.what])).toEqual([
      [2, 'a directory beside the repository'],
      [3, 'a directory beside the repository'],
      [4, 'the shared reference collection'],
      [5, 'an absolute /work/ path'],
      [6, 'a design document outside the repository'],
    ]);
  });

  it("leaves work directories that are not this machine's /work alone", () => {
    const text = [
      "diskImagePath: '/srv/work/run/disk.raw'",
      'l.includes(`/work/${runId}/disk.raw`)',
      'path.join(`${dataDir}/work/`, id)',
      'WORKER_WORK_DIR=.data/work',
    ].join('\n');
    expect(findOutsidePaths(text)).toEqual([]);
  });

  it('no tracked file names a path outside the repository', () => {
    const found = findingsIn(trackedTextFiles());
    expect(found.map((f) => `${f.file}:${f.line}: ${f.what}: ${f.text}`)).toEqual([]);
  });
});
