// The real worker process (apps/worker/src/main.ts) whose stages can be held
// at their start, for the fault tests: most stages take milliseconds, too
// short to kill the worker inside them from outside. The stage functions are
// the real ones (STAGE_FUNCTIONS, the object main.ts hands the engine); each
// first waits while a file named after it is in VZFERRY_TEST_HOLD_DIR
// (`<ctid>.<stage>`: that container's attempts of the stage), after the engine
// claimed the attempt (the stage run is `running` in the database, its
// heartbeat goes on), then does its real work.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { STAGES } from '@vzferry/core';
import { STAGE_FUNCTIONS, type StageContext } from '@vzferry/pipeline';
import { holdFile } from './stage-hold';

const holdDir = process.env.VZFERRY_TEST_HOLD_DIR;

async function hold(ctx: StageContext): Promise<void> {
  if (!holdDir) return;
  while (existsSync(holdFile(holdDir, ctx.run.container.sourceCtid, ctx.stage)))
    await sleep(100, undefined, { signal: ctx.signal });
}

for (const stage of STAGES) {
  const real = STAGE_FUNCTIONS[stage];
  STAGE_FUNCTIONS[stage] = async (ctx, deps) => {
    await hold(ctx);
    return real(ctx, deps);
  };
}
await import('../../src/main');
