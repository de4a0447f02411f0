// The Settings routes' input (issue 13): removing saved mappings needs an
// explicit confirmation and leaves an audit row naming what went; each
// pipeline setting has a strict rule (an interface name as Linux takes one,
// an IP address, a CloudStack id, bounded numbers), and a bad value is a 400
// naming the field that changes nothing.
import { listAudit, loadPipelineSettings, readMappings } from '@vzferry/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mappings from '@/app/api/settings/mappings/route';
import * as pipeline from '@/app/api/settings/pipeline/route';
import * as settings from '@/app/api/settings/route';
import { startRouteHarness, type RouteHarness } from './support/route-harness';

let h: RouteHarness;

beforeAll(async () => {
  h = await startRouteHarness('settingsinput');
});
afterAll(async () => {
  await h?.t.drop();
});

const offering = (maxRamMb: number) => ({ maxRamMb, maxCpus: 2, serviceOfferingId: `so-${maxRamMb}` });
const os = (distribution: string, version: string) => ({ distribution, version, osTypeId: `os-${distribution}` });
const putMappings = (json: unknown) => h.call(mappings.PUT, '/api/settings/mappings', { method: 'PUT', json });

describe('removing mappings', () => {
  beforeAll(async () => {
    const res = await putMappings({
      networks: [],
      offerings: [offering(1024), offering(4096)],
      osTypes: [os('debian', '12'), os('centos', '7')],
    });
    expect(res.status, res.text).toBe(200);
  });

  it('refuses an empty save without a confirmation (409, what it would remove), and changes nothing', async () => {
    const before = await readMappings(h.t.db);
    const res = await putMappings({ networks: [], offerings: [], osTypes: [] });
    expect(res).toMatchObject({
      status: 409,
      body: {
        error: {
          code: 'confirmation_required',
          message: expect.stringMatching(/removes 4 saved mappings .*1024 MiB \/ 2 CPUs.*debian 12/),
          details: { networks: [], offerings: ['1024 MiB / 2 CPUs', '4096 MiB / 2 CPUs'], osTypes: expect.any(Array) },
        },
      },
    });
    expect(await readMappings(h.t.db)).toEqual(before);
  });

  it('refuses leaving one out without a confirmation, and saves changes that remove nothing', async () => {
    const dropOne = await putMappings({
      networks: [],
      offerings: [offering(1024)],
      osTypes: [os('debian', '12'), os('centos', '7')],
    });
    expect(dropOne).toMatchObject({ status: 409, body: { error: { details: { offerings: ['4096 MiB / 2 CPUs'] } } } });

    const changed = await putMappings({
      networks: [],
      offerings: [offering(1024), { ...offering(4096), serviceOfferingId: 'so-big' }, offering(8192)],
      osTypes: [os('debian', '12'), os('centos', '7')],
    });
    expect(changed.status, changed.text).toBe(200);
    expect((await readMappings(h.t.db)).offerings.map((o) => o.serviceOfferingId)).toEqual([
      'so-1024',
      'so-big',
      'so-8192',
    ]);
  });

  it('removes them with confirmRemove: true, and the audit row says what was removed', async () => {
    const res = await putMappings({ networks: [], offerings: [], osTypes: [os('debian', '12')], confirmRemove: true });
    expect(res.status, res.text).toBe(200);
    expect(await readMappings(h.t.db)).toMatchObject({ offerings: [], osTypes: [{ distribution: 'debian' }] });
    const [row] = await listAudit(h.t.db, { action: 'settings.mappings', outcome: 'ok', limit: 1 });
    expect(row?.details).toMatchObject({
      removed: {
        networks: [],
        offerings: ['1024 MiB / 2 CPUs', '4096 MiB / 2 CPUs', '8192 MiB / 2 CPUs'],
        osTypes: ['centos 7'],
      },
    });
  });

  it('refuses a NUL byte or an overlong text in a mapping, naming the field', async () => {
    const res = await putMappings({
      networks: [],
      offerings: [],
      osTypes: [
        { ...os('debian', '12'), osTypeName: 'Debian\u0000' },
        { ...os('centos', '7'), osTypeId: 'x'.repeat(100_000) },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/osTypes\.0\.osTypeName: .*NUL byte.*; osTypes\.1\.osTypeId: /);
  });
});

describe('pipeline settings', () => {
  const putPipeline = (json: unknown) => h.call(pipeline.PUT, '/api/settings/pipeline', { method: 'PUT', json });

  const long = 'x'.repeat(100_000);
  it.each([
    ['expectedRouteInterface', 'a command', '$(id); reboot'],
    ['expectedRouteInterface', 'a leading dash', '-eth0'],
    ['expectedRouteInterface', '16 characters or more', 'eth0-interconnect-1'],
    ['expectedRouteInterface', '..', '..'],
    ['expectedRouteInterface', '100,000 characters', long],
    ['expectedNextHop', 'a command', '10.0.0.1; reboot'],
    ['expectedNextHop', '100,000 characters', long],
    ['legacyBootIsoId', 'a command', '$(id)'],
    ['legacyBootIsoId', '100,000 characters', long],
    ['rsyncBandwidthLimitKbps', '10^15', 1e15],
  ])('refuses %s with %s (400 naming the field), and saves nothing', async (field, _what, value) => {
    const before = await loadPipelineSettings(h.t.db);
    const res = await putPipeline({ [field]: value });
    expect(res.status, res.text.slice(0, 300)).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(`^${field}: `) });
    expect(res.text.length).toBeLessThan(2000);
    expect(await loadPipelineSettings(h.t.db)).toEqual(before);
  });

  it('saves good values: an interface with a VLAN suffix, an IPv6 next hop, a UUID', async () => {
    const good = {
      expectedRouteInterface: 'eth1.20',
      expectedNextHop: '2001:db8::1',
      legacyBootIsoId: '3f2a6a0e-4d5b-4c4b-9a51-3b0d3c1e9f10',
    };
    const res = await putPipeline(good);
    expect(res).toMatchObject({ status: 200, body: good });
    expect(await loadPipelineSettings(h.t.db)).toMatchObject(good);
  });

  it('still reads settings saved before the rules were strict (the bad field at its default) and saves over them', async () => {
    await h.t.prisma.setting.update({
      where: { key: 'pipeline' },
      data: { value: { expectedRouteInterface: '$(id)', deployTimeoutSeconds: 600 } },
    });
    expect((await h.call(settings.GET, '/api/settings')).body).toMatchObject({
      pipeline: { expectedRouteInterface: null, deployTimeoutSeconds: 600 },
    });
    const res = await putPipeline({ expectedRouteInterface: 'eth2' });
    expect(res).toMatchObject({ status: 200, body: { expectedRouteInterface: 'eth2', deployTimeoutSeconds: 600 } });
  });
});
