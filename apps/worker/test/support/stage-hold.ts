// The files that hold a stage of the held worker (held-worker.ts) at its start.
import path from 'node:path';

/** while this file exists, the container's attempts of the stage wait at their start */
export function holdFile(dir: string, sourceCtid: number, stage: string): string {
  return path.join(dir, `${sourceCtid}.${stage}`);
}
