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
