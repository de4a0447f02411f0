import { afterEach, describe, expect, it } from 'vitest';
import { CHILD_ENV_NAMES } from '@vzferry/core';
import { LocalExecutor } from './local-executor';

const SECRETS = {
  DATABASE_URL: 'postgresql://postgres:pw@127.0.0.1:5432/vzferry',
  VZFERRY_SECRET_KEY: 'bm90LWEtcmVhbC1rZXktYnV0LWEtc2VjcmV0LW9uZQ==',
  SSH_AUTH_SOCK: '/tmp/ssh-XXXX/agent.1',
  REDIS_URL: 'redis://:pw@127.0.0.1:6379',
};
const saved: Record<string, string | undefined> = {};

afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** The child's environment as env(1) prints it. */
async function childEnvironment(env?: Record<string, string>): Promise<Record<string, string>> {
  const { stdout } = await new LocalExecutor().exec(['env'], { env });
  return Object.fromEntries(
    stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('LocalExecutor', () => {
  it("gives a child none of the worker's secrets, only the named variables and what the call sets", async () => {
    for (const [k, v] of Object.entries(SECRETS)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    const env = await childEnvironment({ INITRD: 'No' });
    for (const name of Object.keys(SECRETS)) expect(env).not.toHaveProperty(name);
    expect(Object.values(env).join('\n')).not.toContain('pw@');
    expect(env.INITRD).toBe('No');
    expect(env.PATH).toBe(process.env.PATH);
    for (const name of Object.keys(env)) expect([...CHILD_ENV_NAMES, 'INITRD']).toContain(name);
  });
});
