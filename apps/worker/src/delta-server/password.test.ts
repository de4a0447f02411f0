import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deltaPassword } from './password';

const RUN_A = '3f0c6a52-8f43-4c41-9a0e-5a3d4f2b1c10';
const RUN_B = '7d2e1b94-0c5a-4e8f-b1d3-9a6c2e4f8b21';

describe('deltaPassword', () => {
  it('is 64 hex characters, the same for the same key and run', () => {
    const pw = deltaPassword('box-key', RUN_A);
    expect(pw).toMatch(/^[0-9a-f]{64}$/);
    expect(deltaPassword('box-key', RUN_A)).toBe(pw);
  });

  it('is HMAC-SHA256 of the run id under the key', () => {
    expect(deltaPassword('box-key', RUN_A)).toBe(createHmac('sha256', 'box-key').update(RUN_A).digest('hex'));
  });

  it('differs per run and per key', () => {
    expect(deltaPassword('box-key', RUN_A)).not.toBe(deltaPassword('box-key', RUN_B));
    expect(deltaPassword('box-key', RUN_A)).not.toBe(deltaPassword('other-key', RUN_A));
  });

  it('refuses an empty key', () => {
    expect(() => deltaPassword('', RUN_A)).toThrow(/secret key is empty/);
  });
});
