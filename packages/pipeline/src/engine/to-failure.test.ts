import { describe, expect, it } from 'vitest';
import { ExecError } from '@vzferry/core';
import { GuestPathError } from '@vzferry/guest';
import { toFailure } from './stage-runner';

describe('a stage that the guest tree refused', () => {
  it('fails with guest_path and its message, without an automatic retry (the tree is the same next time)', () => {
    const err = new GuestPathError('/etc/os-release in the guest: more than 40 links (a loop)', 'ELOOP');
    expect(toFailure(err)).toEqual({
      code: 'guest_path',
      message: '/etc/os-release in the guest: more than 40 links (a loop)',
      retryable: false,
    });
  });
});

describe('a command whose connection went away', () => {
  it('is a network error that is retried, judged by the errno its cause kept', () => {
    const lost = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const err = new ExecError({
      argv: ['vzctl', 'status', '101'],
      where: 'root@hv1:22',
      code: null,
      stdout: '',
      stderr: '',
      reason: 'lost its SSH connection before it finished',
      cause: lost,
    });
    expect(toFailure(err)).toMatchObject({ code: 'network_error', retryable: true });
  });

  it('stays a failed command when the command itself failed', () => {
    const err = new ExecError({ argv: ['false'], where: 'box', code: 1, stdout: '', stderr: '' });
    expect(toFailure(err)).toMatchObject({ code: 'command_failed', retryable: false });
  });
});

describe('a query cut off by PostgreSQL going away', () => {
  it('is database_unavailable, retried: the stage did nothing wrong', () => {
    // pg's own words for a connection the server closed (a restart), and Prisma's for a server that shut down
    const terminated = new Error('Connection terminated unexpectedly');
    const shutdown = Object.assign(
      new Error('Database error. Code: `57P01`. Message: `terminating connection due to administrator command`'),
      { code: 'P2010' },
    );
    for (const err of [terminated, new Error('loading the run', { cause: terminated }), shutdown])
      expect(toFailure(err)).toMatchObject({ code: 'database_unavailable', retryable: true });
  });

  it('leaves a query that the database refused a bug of ours', () => {
    const unique = Object.assign(new Error('Unique constraint failed on the fields: (`name`)'), { code: 'P2002' });
    expect(toFailure(unique)).toMatchObject({ code: 'internal', retryable: false });
  });
});
