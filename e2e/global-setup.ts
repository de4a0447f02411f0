// Brings up the stack the journeys run against (e2e/support/stack.ts: its own
// database, lab, worker and web on port 3100) in a child process, waits
// until it says it is ready, and stops it after the run. A child process
// keeps the workspace's TypeScript out of Playwright's own loader.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { request } from '@playwright/test';
import { AUTH_DIR, authState } from './support/auth';
import type { StackFacts } from './support/stack-file';

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
  await signInEveryone(JSON.parse(process.env.E2E_STACK) as StackFacts);
  return async () => {
    child.kill('SIGTERM');
    await exited;
  };
}

/** Each demo user signed in once through the API; their cookies kept for the specs (support/auth.ts). */
async function signInEveryone(facts: StackFacts): Promise<void> {
  rmSync(AUTH_DIR, { recursive: true, force: true });
  mkdirSync(AUTH_DIR, { recursive: true });
  for (const user of facts.users) {
    const ctx = await request.newContext({ baseURL: facts.baseURL });
    const res = await ctx.post('/api/auth/sign-in', { data: { email: user.email, password: user.password } });
    if (!res.ok()) throw new Error(`${user.email} could not sign in: ${res.status()} ${await res.text()}`);
    await ctx.storageState({ path: authState(user.role) });
    await ctx.dispose();
  }
}
