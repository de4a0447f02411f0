// The test run's shared boot ISO (support/test-boot-iso.ts): built once
// however many processes ask at once, a failed build leaves the next caller
// free to build, and a lock whose holder died is taken over.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BootIso } from '../src/boot-iso/build';
import { sharedBootIso } from './support/test-boot-iso';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-shared-iso-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const iso = (out: string): BootIso => ({
  path: out,
  sha256: 'ab',
  bytes: 1,
  kernelVersion: '6.1.0-test',
  applianceDir: path.join(path.dirname(out), 'vzferry-appliance'),
});

function countingBuild(ms: number) {
  const calls: string[] = [];
  const build = async (out: string) => {
    calls.push(out);
    await new Promise((r) => setTimeout(r, ms));
    return iso(out);
  };
  return { calls, build };
}

describe('the shared boot ISO of a test run', () => {
  it('is built once for callers that come at the same time, and each gets the same', async () => {
    const { calls, build } = countingBuild(600);
    const got = await Promise.all([1, 2, 3, 4].map(() => sharedBootIso(dir, build)));
    expect(calls).toHaveLength(1);
    expect(new Set(got.map((g) => g.path))).toEqual(new Set([path.join(dir, 'iso/vzferry-boot.iso')]));
    // and a later caller reads it without a build
    await sharedBootIso(dir, build);
    expect(calls).toHaveLength(1);
  });

  it('after a failed build the next caller builds', async () => {
    await expect(sharedBootIso(dir, () => Promise.reject(new Error('no kernel package')))).rejects.toThrow(
      'no kernel package',
    );
    const { calls, build } = countingBuild(0);
    expect((await sharedBootIso(dir, build)).kernelVersion).toBe('6.1.0-test');
    expect(calls).toHaveLength(1);
  });

  it('takes over the lock of a process that died while building', async () => {
    mkdirSync(path.join(dir, 'lock'));
    // a pid far above pid_max is no live process
    writeFileSync(path.join(dir, 'lock/pid'), '99999999');
    const { calls, build } = countingBuild(0);
    await sharedBootIso(dir, build);
    expect(calls).toHaveLength(1);
  });
});
