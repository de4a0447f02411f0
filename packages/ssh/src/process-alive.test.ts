import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processAlive } from './process-alive';

describe('processAlive', () => {
  it('is true for a running process and false for one that exited', () => {
    expect(processAlive(process.pid)).toBe(true);
    const gone = spawnSync('true').pid!;
    expect(processAlive(gone)).toBe(false);
  });

  it('is true for a process of another user (init, as seen by anyone)', () => {
    expect(processAlive(1)).toBe(true);
  });
});
