import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from './sleep';

describe('sleep', () => {
  it('leaves no listener on the signal once it has slept (a poll loop would pile them up)', async () => {
    const ctl = new AbortController();
    for (let i = 0; i < 20; i++) await sleep(1, ctl.signal);
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(0);
  });

  it("stops early with the signal's reason", async () => {
    const ctl = new AbortController();
    const slept = sleep(60_000, ctl.signal);
    ctl.abort(new Error('cancelled by an engineer'));
    await expect(slept).rejects.toThrow('cancelled by an engineer');
    await expect(sleep(1, ctl.signal)).rejects.toThrow('cancelled by an engineer');
  });
});
