// The Settings page's mappings against a real PostgreSQL: saved as a whole
// list, normalized, and refused as a whole when any row is wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMappings, saveMappings } from '../src/index';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase('mappings');
});
afterAll(async () => {
  await t?.drop();
});

const good = {
  networks: [
    {
      name: 'public',
      cidr: '198.51.100.7/24',
      sourceVlan: 210,
      gateway: '198.51.100.1',
      cloudstackNetworkId: 'net-1',
      cloudstackNetworkName: 'Public',
    },
  ],
  offerings: [{ maxRamMb: 1024, maxCpus: 1, serviceOfferingId: 'so-small', serviceOfferingName: 'Small' }],
  osTypes: [
    {
      distribution: 'CentOS',
      version: '7',
      osTypeId: 'os-c7',
      osTypeName: 'CentOS 7',
      legacyOsTypeId: null,
      legacyOsTypeName: null,
    },
  ],
};

describe('mappings', () => {
  it('saves the lists, normalizing a network to its base address and the distribution to lower case', async () => {
    const { mappings: saved } = await saveMappings(t.db, good);
    expect(saved.networks[0]).toMatchObject({ cidr: '198.51.100.0/24', sourceVlan: 210 });
    expect(saved.osTypes[0]).toMatchObject({ distribution: 'centos', version: '7' });
    expect(await readMappings(t.db)).toEqual(saved);
  });

  it('refuses duplicates and bad rows and keeps what was saved', async () => {
    const dup = {
      ...good,
      networks: [...good.networks, { ...good.networks[0]!, name: 'again', cidr: '198.51.100.0/24' }],
    };
    await expect(saveMappings(t.db, dup)).rejects.toThrow(/network 198\.51\.100\.0\/24 is mapped twice/);
    await expect(
      saveMappings(t.db, { ...good, networks: [{ ...good.networks[0]!, cidr: '10.0.0.0/33' }] }),
    ).rejects.toThrow(/networks\.0\.cidr/);
    await expect(saveMappings(t.db, { ...good, offerings: [{ ...good.offerings[0]!, maxCpus: 0 }] })).rejects.toThrow(
      /offerings\.0\.maxCpus/,
    );
    expect((await readMappings(t.db)).networks).toHaveLength(1);
  });
});
