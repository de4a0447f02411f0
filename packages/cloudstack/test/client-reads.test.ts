// Every read command of the client against the lab CloudStack over real HTTP
// with real signatures, and the answers CloudStack gives to bad credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudStackError, createCloudStackClient, formatExpires, signedQuery } from '../src/index';
import { createTransport } from '../src/transport';
import { type LabHarness, startLab } from './support/lab';
import { closedPort } from './support/ports';

let h: LabHarness;
beforeAll(async () => {
  h = await startLab('reads');
});
afterAll(async () => {
  await h?.close();
});

describe('CloudStack client: reads against the lab', () => {
  it('lists the zone, its shared networks, offerings, OS types and image stores', async () => {
    const zones = await h.cs.listZones();
    expect(zones).toHaveLength(1);
    expect(zones[0]).toMatchObject({ id: h.lab.zoneId, networktype: 'Advanced', allocationstate: 'Enabled' });

    const networks = await h.cs.listNetworks({ zoneId: h.lab.zoneId });
    expect(networks.map((n) => n.cidr).sort()).toEqual([
      '10.0.2.0/24',
      '10.10.0.0/16',
      '10.11.0.0/16',
      '10.12.0.0/16',
      '10.13.0.0/16',
      '10.20.0.0/24',
      '10.30.0.0/24',
      '172.20.0.0/16',
      '198.51.100.0/24',
    ]);
    expect(networks.find((n) => n.cidr === '10.20.0.0/24')).toMatchObject({
      gateway: '10.20.0.1',
      netmask: '255.255.255.0',
      type: 'Shared',
      ip6cidr: '2001:db8:20::/64',
    });

    const offerings = await h.cs.listServiceOfferings();
    expect(offerings.length).toBeGreaterThanOrEqual(4);
    expect(offerings.find((o) => o.name === 'Medium Instance')).toMatchObject({ cpunumber: 2, memory: 2048 });

    const os = await h.cs.listOsTypes();
    const descriptions = os.map((o) => o.description);
    for (const d of [
      'CentOS 5.5 (64-bit)',
      'Ubuntu 14.04 (64-bit)',
      'Debian GNU/Linux 12 (64-bit)',
      'Other Linux (64-bit)',
    ])
      expect(descriptions).toContain(d);
    expect(await h.cs.listOsTypes({ keyword: 'Ubuntu 18' })).toEqual([
      expect.objectContaining({ description: 'Ubuntu 18.04 LTS' }),
    ]);

    const stores = await h.cs.listImageStores({ zoneId: h.lab.zoneId });
    expect(stores.map((s) => s.name)).toEqual(['nfs-sec1', 'nfs-sec2']);
    expect(stores[0]!.disksizetotal).toBeGreaterThan(stores[0]!.disksizeused ?? 0);
  });

  it('reads global settings by exact name although the server matches substrings', async () => {
    const partial = await h.cs.listConfigurations({ name: 'secstorage' });
    expect(partial.length).toBeGreaterThan(3);
    expect(partial.every((c) => c.name.includes('secstorage'))).toBe(true);
    expect(await h.cs.getConfiguration('max.template.iso.size')).toMatchObject({ value: '50', category: 'Advanced' });
    expect(await h.cs.getConfiguration('storage.max.volume.size')).toMatchObject({ value: '2000' });
    const offering = await h.cs.getConfiguration('secstorage.service.offering');
    expect(offering?.name).toBe('secstorage.service.offering');
    expect(offering?.value).toBeUndefined();
    expect(await h.cs.getConfiguration('no.such.setting')).toBeNull();
  });

  it('reports secondary storage capacity (type 6) with percentused as the server formats it', async () => {
    const [cap] = await h.cs.listCapacity({ zoneId: h.lab.zoneId, type: 6 });
    expect(cap).toMatchObject({ type: 6, zoneid: h.lab.zoneId });
    expect(cap!.percentused).toBeCloseTo((cap!.capacityused / cap!.capacitytotal) * 100, 1);
    expect(await h.cs.listCapacity({ zoneId: h.lab.zoneId, type: 0 })).toEqual([]);
  });

  it('answers an empty list as {} and the client returns []', async () => {
    const transport = createTransport({ endpoint: h.lab.endpoint, apiKey: h.lab.apiKey, secretKey: h.lab.secretKey });
    expect(await transport.call('listTemplates', { templatefilter: 'self' })).toEqual({});
    expect(await h.cs.listTemplates()).toEqual([]);
  });

  it("a wrong secret gets 401 with CloudStack's text, and is not retried", async () => {
    const bad = createCloudStackClient({
      endpoint: h.lab.endpoint,
      apiKey: h.lab.apiKey,
      secretKey: `${h.lab.secretKey}x`,
    });
    const err = (await bad.listZones().catch((e: unknown) => e)) as CloudStackError;
    expect(err).toBeInstanceOf(CloudStackError);
    expect(err).toMatchObject({
      httpStatus: 401,
      errorcode: 401,
      errortext: 'unable to verify user credentials and/or request signature',
      command: 'listZones',
    });
    expect(err.message).not.toContain(h.lab.secretKey);
  });

  it('an expired signature gets the real 401 body', async () => {
    const params = {
      command: 'listZones',
      apikey: h.lab.apiKey,
      response: 'json',
      signatureversion: '3',
      expires: formatExpires(new Date(Date.now() - 60_000)),
    };
    const res = await fetch(`${h.lab.endpoint}?${signedQuery(params, h.lab.secretKey)}`);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe(
      '{"listzonesresponse":{"uuidList":[],"errorcode":401,"errortext":"unable to verify user credentials and/or request signature"}}',
    );
    const fresh = { ...params, expires: formatExpires(new Date(Date.now() + 60_000)) };
    expect((await fetch(`${h.lab.endpoint}?${signedQuery(fresh, h.lab.secretKey)}`)).status).toBe(200);
  });

  it("a missing parameter is a 431 with the management server's words", async () => {
    const transport = createTransport({ endpoint: h.lab.endpoint, apiKey: h.lab.apiKey, secretKey: h.lab.secretKey });
    const err = (await transport.call('listTemplates', {}).catch((e: unknown) => e)) as CloudStackError;
    expect(err).toMatchObject({
      httpStatus: 431,
      errorcode: 431,
      cserrorcode: 9999,
      errortext: 'Unable to execute API command listtemplates due to missing parameter templatefilter',
    });
    const unknownId = (await h.cs
      .listNetworks({ id: '00000000-0000-4000-8000-000000000000' })
      .catch((e: unknown) => e)) as CloudStackError;
    expect(unknownId.errortext).toBe(
      'Unable to execute API command listnetworks due to invalid value. Invalid parameter id value=00000000-0000-4000-8000-000000000000 due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.',
    );
  });

  it('sends long parameter lists as a signed form POST', async () => {
    const transport = createTransport({
      endpoint: h.lab.endpoint,
      apiKey: h.lab.apiKey,
      secretKey: h.lab.secretKey,
      maxGetQueryLength: 50,
    });
    const answer = await transport.call('listOsTypes', { keyword: 'Debian GNU/Linux 12 (64-bit) ü' });
    expect(answer).toEqual({});
    const found = await transport.call('listOsTypes', { keyword: 'Debian GNU/Linux 12' });
    expect(found).toMatchObject({ count: 1 });
  });

  it('retries reads while the server is unreachable and reports the connection error', async () => {
    const cs = createCloudStackClient({
      endpoint: `http://127.0.0.1:${await closedPort()}/client/api`,
      apiKey: 'k',
      secretKey: 's',
      readAttempts: 2,
      retryBaseDelayMs: 10,
    });
    await expect(cs.listZones()).rejects.toThrow(
      /CloudStack listZones: connection failed \(ECONNREFUSED.*\) after 2 attempts/,
    );
    await expect(cs.deployVirtualMachine({ zoneId: 'z', serviceOfferingId: 's', templateId: 't' })).rejects.toThrow(
      /may have been applied, check before repeating it/,
    );
  });
});
