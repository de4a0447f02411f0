// The verify stage against the lab's CloudStack, whose Running VMs answer
// pings on their IPv4 and IPv6 addresses (vm-network.ts, needs root): a
// container that had only IPv6 addresses is verified by pinging them, not
// waved through because it has no IPv4 address.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloudStackClient } from '@vzferry/cloudstack';
import type { RunSnapshot } from '@vzferry/core';
import { startCloudStack, type LabCloudStack } from '@vzferry/lab/cloudstack';
import { LocalExecutor, STAGE_FUNCTIONS, type StageContext, type StageDeps } from '@vzferry/pipeline';

// addresses of no other lab or test: the host's routes are shared
const VM_IPV4 = '100.64.213.77';
const VM_IPV6 = 'fd7a:13:13::77';
const NOBODY_IPV6 = 'fd7a:13:13::99';

let dir: string;
let lab: LabCloudStack;
const vmId = 'b7c4b0a2-13a6-4d57-9c5e-0000000013a6';

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-verify6-'));
  lab = await startCloudStack({ dir, vmNetwork: true, isoBoot: false });
  const sim = lab.simulator;
  const user = sim.state.users[0]!;
  sim.state.vms.push({
    id: vmId,
    dbId: 9013,
    name: 'vzf-verify6',
    displayname: 'vzf-verify6',
    state: 'Running',
    zoneid: lab.zoneId,
    templateid: 'none',
    serviceofferingid: sim.state.serviceOfferings[0]!.id,
    ostypeid: sim.state.osTypes[0]!.id,
    isoid: null,
    created: new Date().toISOString(),
    accountId: user.accountId,
    nics: [
      {
        id: 'nic-verify6',
        networkid: sim.state.networks[0]!.id,
        ipaddress: VM_IPV4,
        ip6address: VM_IPV6,
        macaddress: '02:00:13:13:00:77',
        isdefault: true,
        deviceid: 0,
        secondaryips: [],
      },
    ],
  });
  sim.changed(); // the VM's addresses start to answer
});
afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function verifyContainerWith(ips: Array<{ address: string; family: 4 | 6 }>) {
  const run = {
    runId: 'verify6',
    container: { ips: ips.map((ip) => ({ ...ip, prefix: ip.family === 6 ? 64 : 24 })) },
    state: { cloudstackVmId: vmId, cloudstackVmName: 'vzf-verify6' },
  } as unknown as RunSnapshot;
  const ctx = {
    run,
    stage: 'verify',
    attempt: 1,
    resumed: false,
    signal: new AbortController().signal,
    log: () => undefined,
    command: () => undefined,
    output: () => undefined,
    progress: () => undefined,
    now: () => new Date(),
  } satisfies StageContext;
  const client = createCloudStackClient({ endpoint: lab.endpoint, apiKey: lab.apiKey, secretKey: lab.secretKey });
  const deps = {
    local: new LocalExecutor(),
    cloudstack: async () => ({ client, zoneId: lab.zoneId }),
    settings: async () => ({ verifyTimeoutSeconds: 6 }),
  } as unknown as StageDeps;
  return STAGE_FUNCTIONS.verify(ctx, deps);
}

describe('verify of a container with IPv6 addresses', () => {
  it('pings the IPv6 address and succeeds when it answers', async () => {
    const ret = await verifyContainerWith([{ address: VM_IPV6, family: 6 }]);
    expect(ret.outcome.kind).toBe('succeeded');
    expect(ret.message).toMatch(/1 IP\(s\) answer/);
  });

  it('fails an IPv6-only container whose address does not answer, naming it', async () => {
    await expect(verifyContainerWith([{ address: NOBODY_IPV6, family: 6 }])).rejects.toMatchObject({
      code: 'verify_timeout',
      message: expect.stringContaining(NOBODY_IPV6),
    });
  });

  it('checks the IPv6 address of a dual-stack container too', async () => {
    await expect(
      verifyContainerWith([
        { address: VM_IPV4, family: 4 },
        { address: NOBODY_IPV6, family: 6 },
      ]),
    ).rejects.toMatchObject({ code: 'verify_timeout', message: expect.stringContaining(NOBODY_IPV6) });
  });
});
