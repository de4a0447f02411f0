import { describe, expect, it } from 'vitest';
import { childEnv } from './child-env';

describe('childEnv', () => {
  const parent = {
    PATH: '/usr/bin:/bin',
    HOME: '/root',
    LANG: 'C.UTF-8',
    DATABASE_URL: 'postgresql://postgres@127.0.0.1/vzferry',
    VZFERRY_SECRET_KEY: 'c2VjcmV0',
    SSH_AUTH_SOCK: '/tmp/ssh-agent.sock',
    REDIS_URL: 'redis://127.0.0.1:6379',
    NODE_OPTIONS: '--require /tmp/x.js',
  };

  it('keeps only the named variables of the parent, and what the call sets', () => {
    expect(childEnv(parent, { INITRD: 'No' })).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/root',
      LANG: 'C.UTF-8',
      INITRD: 'No',
    });
  });

  it('gives a child a PATH when the parent has none, and lets the call choose its own', () => {
    expect(childEnv({}).PATH).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(childEnv(parent, { PATH: '/bin' }).PATH).toBe('/bin');
  });
});
