import { describe, expect, it } from 'vitest';
import { ExecError, OutputTail } from './exec';

describe('OutputTail', () => {
  it('keeps everything under the limit', () => {
    const t = new OutputTail(100);
    t.push('a\n');
    t.push('b\n');
    expect(t.toString()).toBe('a\nb\n');
  });

  it('keeps the last bytes and says how many were dropped', () => {
    const t = new OutputTail(10);
    t.push('0123456789');
    t.push('abcdef');
    expect(t.toString()).toBe('[... 6 bytes of earlier output not kept ...]\n6789abcdef');
  });
});

describe('ExecError', () => {
  it('names the command, the place and the last line of stderr', () => {
    const e = new ExecError({
      argv: ['vzctl', 'stop', '101'],
      where: 'root@hv1:22',
      code: 33,
      stdout: '',
      stderr: 'Stopping\nUnable to stop container: operation timed out\n',
    });
    expect(e.message).toBe('vzctl on root@hv1:22 exited with 33: Unable to stop container: operation timed out');
  });
});
