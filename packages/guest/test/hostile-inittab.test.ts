// A guest's /etc/inittab of one 2 MiB line of "getty getty ...": the plan is
// made in linear time (the backtracking regexes of consoles.ts took minutes
// on it, with the worker's event loop stalled), and the line is kept as the
// customer wrote it, with the consoles vzferry adds after it.
import { describe, expect, it } from 'vitest';
import { planConversion, type GuestFiles } from '../src/index';
import { fixture, ROOT_UUID, SCENARIOS } from './support/fixtures';

const LINE = `1:2345:respawn:/sbin/getty 38400 ${'getty '.repeat(350_000)}`;

function withInittab(base: GuestFiles, text: string): GuestFiles {
  return { ...base, read: (f) => (f === '/etc/inittab' ? text : base.read(f)) };
}

describe('a hostile inittab', () => {
  for (const [os, commented] of [
    ['debian-7', LINE],
    ['centos-5', `#${LINE}`],
  ] as const) {
    it(`plans ${os} with a 2 MiB single-line inittab (${commented.startsWith('#') ? 'commented' : 'active'}) in well under a second`, () => {
      const started = performance.now();
      const plan = planConversion({
        files: withInittab(fixture(os), commented),
        network: SCENARIOS['one-nic-one-ip']!,
        rootUuid: ROOT_UUID,
      });
      const ms = performance.now() - started;
      expect(ms).toBeLessThan(1_000);
      const inittab = plan.write.find((w) => w.path === '/etc/inittab')!.content.split('\n');
      expect(inittab[0]).toBe(commented);
      // no "tty1" word after the gettys: tty1's getty is added, and the serial one
      expect(inittab.slice(1).filter(Boolean)).toHaveLength(3);
    });
  }
});
