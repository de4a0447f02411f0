// vitest's file order (vitest.config.ts): the files that boot guests under
// QEMU or run the real worker on the lab (a lab stack, the scale bench)
// first, then the rest, each part as vitest orders it (longest last time, or
// larger first on a fresh clone). They take minutes each against seconds for
// most others; started last, as a fresh clone's size order started some of
// them, they ran alone at the end of a phase while the other workers idled.
import { readFileSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const RUNS_THE_LAB = /\bstart(?:Lab|Staged)Stack\(|'bench\/run\.ts'/;

export default class LabFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const long = sorted.filter(
      (f) => f.moduleId.endsWith('.boot.test.ts') || RUNS_THE_LAB.test(readFileSync(f.moduleId, 'utf8')),
    );
    return [...long, ...sorted.filter((f) => !long.includes(f))];
  }
}
