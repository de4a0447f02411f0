// Brings up the stack the journeys run against (e2e/support/stack.ts: its own
// database, lab, worker and web on port 3100) in a child process, waits
// until it says it is ready, and stops it after the run. A child process
// keeps the workspace's TypeScript out of Playwright's own loader.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

export const STACK_FILE = path.resolve(import.meta.dirname, '../test-results/e2e-stack.json');

export default async function globalSetup(): Promise<() => Promise<void>> {
  rmSync(STACK_FILE, { force: true });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'support/stack.ts')], {
    env: { ...process.env, E2E_STACK_FILE: STACK_FILE, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 10 * 60_000;
  while (!existsSync(STACK_FILE)) {
    const code = await Promise.race([exited, new Promise<'wait'>((r) => setTimeout(() => r('wait'), 250))]);
    if (code !== 'wait') throw new Error(`the e2e stack exited (${code}) before it was ready`);
    if (Date.now() > deadline) throw new Error('the e2e stack was not ready within 10 minutes');
  }
  process.env.E2E_STACK = readFileSync(STACK_FILE, 'utf8');
  return async () => {
    child.kill('SIGTERM');
    await exited;
  };
}
