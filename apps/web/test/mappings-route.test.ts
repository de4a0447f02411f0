// PUT /api/settings/mappings against the lab's CloudStack (issue 12): a
// network mapping's gateway and CIDR are checked against listNetworks when
// saved; a blank or mismatching one is a 400 naming the field and the
// reason, and nothing changes.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCloudStackClient, type Network } from '@vzferry/cloudstack';
import { readMappings, saveCloudStackSettings } from '@vzferry/db';
import { startCloudStack, type LabCloudStack } from '@vzferry/lab/cloudstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mappings from '@/app/api/settings/mappings/route';
import { server } from '@/server/context';
import { startRouteHarness, type RouteHarness } from './support/route-harness';

let h: RouteHarness;
let lab: LabCloudStack;
let dir: string;
let vlan20: Network;

beforeAll(async () => {
  h = await startRouteHarness('mappings');
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-web-mappings-'));
  lab = await startCloudStack({ dir, vmTransitionMs: 50, installMs: 100, downloadRateBytesPerSec: 0 });
  const networks = await createCloudStackClient({
    endpoint: lab.endpoint,
    apiKey: lab.apiKey,
    secretKey: lab.secretKey,
  }).listNetworks({ zoneId: lab.zoneId });
  vlan20 = networks.find((n) => n.name === 'lab-vlan20')!;
});

afterAll(async () => {
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await h?.t.drop();
});

const put = (networks: unknown[]) =>
  h.call(mappings.PUT, '/api/settings/mappings', { method: 'PUT', json: { networks, offerings: [], osTypes: [] } });
const mapping = (cidr: string, gateway: string | null, id = vlan20.id) => ({
  name: `vlan20 ${cidr}`,
  cidr,
  gateway,
  cloudstackNetworkId: id,
});

describe('saving network mappings', () => {
  it('refuses network mappings while no CloudStack is connected, and saves nothing', async () => {
    const res = await put([mapping('10.20.0.0/24', '10.20.0.1')]);
    expect(res).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_input', message: expect.stringMatching(/CloudStack connection first/) } },
    });
    expect((await readMappings(h.t.db)).networks).toEqual([]);
  });

  describe('with the lab CloudStack connected', () => {
    beforeAll(async () => {
      await saveCloudStackSettings(h.t.db, server().secrets, {
        endpoint: lab.endpoint,
        allowPlainHttp: true,
        apiKey: lab.apiKey,
        secretKey: lab.secretKey,
        zoneId: lab.zoneId,
      });
    });

    it("saves a dual-stack network whose gateways and CIDRs are CloudStack's (ip6gateway for IPv6)", async () => {
      expect(vlan20).toMatchObject({ ip6cidr: '2001:db8:20::/64', ip6gateway: '2001:db8:20::1' });
      const res = await put([mapping('10.20.0.0/24', '10.20.0.1'), mapping('2001:db8:20::/64', '2001:db8:20::1')]);
      expect(res.status).toBe(200);
      expect((await readMappings(h.t.db)).networks.map((n) => [n.cidr, n.gateway])).toEqual([
        ['10.20.0.0/24', '10.20.0.1'],
        ['2001:db8:20::/64', '2001:db8:20::1'],
      ]);
    });

    it('answers 400 with the field and the reason for a blank or wrong gateway or CIDR, and changes nothing', async () => {
      const before = await readMappings(h.t.db);
      const blank = await put([mapping('10.20.0.0/24', '')]);
      expect(blank).toMatchObject({
        status: 400,
        body: {
          error: {
            code: 'invalid_input',
            message:
              "networks.0.gateway: the gateway is empty: the VM would have no default route (CloudStack network lab-vlan20's gateway is 10.20.0.1)",
            details: [{ path: ['networks', 0, 'gateway'], message: expect.stringMatching(/^the gateway is empty/) }],
          },
        },
      });
      const wrong = await put([mapping('10.20.0.0/24', '10.20.0.1'), mapping('2001:db8:20::/48', '2001:db8:20::fe')]);
      expect(wrong.status).toBe(400);
      expect(wrong.body.error!.message).toBe(
        'networks.1.cidr: CloudStack network lab-vlan20 is 2001:db8:20::/64 (ip6cidr), not 2001:db8:20::/48; ' +
          "networks.1.gateway: CloudStack network lab-vlan20's ip6gateway is 2001:db8:20::1, not 2001:db8:20::fe",
      );
      const unknown = await put([mapping('10.20.0.0/24', '10.20.0.1', '00000000-0000-4000-8000-000000000000')]);
      expect(unknown).toMatchObject({
        status: 400,
        body: {
          error: { message: expect.stringMatching(/^networks\.0\.cloudstackNetworkId: CloudStack lists no network/) },
        },
      });
      expect(await readMappings(h.t.db)).toEqual(before);
    });
  });
});
