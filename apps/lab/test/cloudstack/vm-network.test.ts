// The Running VMs' addresses answer from the lab's network namespace (root,
// real netns, veth, routes and ping): an address comes and goes with its VM,
// also when a VM stops while its start is still being applied.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVmNetwork, type VmNetwork } from '../../src/cloudstack/vm-network';

const run = promisify(execFile);
let dir: string;
let net: VmNetwork;

const answers = (ip: string) =>
  run('ping', ['-n', '-q', '-c', '1', '-W', '1', ip]).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzlab-net-'));
  net = await startVmNetwork(dir);
});

afterAll(async () => {
  await net?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the lab VM network', () => {
  it("answers for a Running VM's address and stops when it goes", async () => {
    net.sync(['10.99.0.5']);
    await net.settled();
    expect(await answers('10.99.0.5')).toBe(true);
    net.sync([]);
    await net.settled();
    expect(await answers('10.99.0.5')).toBe(false);
  });

  it('does not answer for a VM that stopped while its start was being applied', async () => {
    net.sync(['10.99.0.6']);
    net.sync([]);
    await net.settled();
    expect(await answers('10.99.0.6')).toBe(false);
  });
});
