import { describe, expect, it } from 'vitest';
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
