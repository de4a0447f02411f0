import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadCloudStackCredentials,
  loadPipelineSettings,
  readCloudStackSettings,
  saveCloudStackSettings,
  savePipelineSettings,
  SecretBox,
} from '../src';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let tdb: TestDatabase;
const box = new SecretBox(randomBytes(32));
beforeAll(async () => {
  tdb = await createTestDatabase('settings');
});
afterAll(async () => {
  await tdb?.drop();
});

describe('settings', () => {
  it('stores the CloudStack secret sealed, never reads it back for pages, and keeps it when left empty', async () => {
    await saveCloudStackSettings(tdb.db, box, {
      endpoint: 'http://cs:8080/client/api',
      allowPlainHttp: true,
      apiKey: 'k',
      zoneId: 'z',
      secretKey: 's3cret',
    });
    const row = await tdb.prisma.setting.findUniqueOrThrow({ where: { key: 'cloudstack' } });
    expect(JSON.stringify(row)).not.toContain('s3cret');
    expect(await readCloudStackSettings(tdb.db)).toEqual({
      endpoint: 'http://cs:8080/client/api',
      allowPlainHttp: true,
      apiKey: 'k',
      zoneId: 'z',
      hasSecret: true,
    });
    const changed = await saveCloudStackSettings(tdb.db, box, {
      endpoint: 'http://cs:8080/client/api',
      allowPlainHttp: true,
      apiKey: 'k2',
      zoneId: 'z',
    });
    expect(changed).toEqual(['apiKey']);
    expect(await loadCloudStackCredentials(tdb.db, box)).toMatchObject({
      endpoint: 'http://cs:8080/client/api',
      apiKey: 'k2',
      secretKey: 's3cret',
    });
    // the stored secret is never sent to another endpoint: a new endpoint needs its secret
    await expect(
      saveCloudStackSettings(tdb.db, box, { endpoint: 'https://cs2/client/api', apiKey: 'k2', zoneId: 'z' }),
    ).rejects.toMatchObject({ code: 'secret_required' });
    await expect(
      saveCloudStackSettings(tdb.db, box, {
        endpoint: 'http://cs2/client/api',
        apiKey: 'k2',
        zoneId: 'z',
        secretKey: 'x',
      }),
    ).rejects.toThrow(/plain HTTP/);
    expect((await readCloudStackSettings(tdb.db))?.endpoint).toBe('http://cs:8080/client/api');
  });

  it('refuses bad values and changes nothing', async () => {
    await expect(
      saveCloudStackSettings(tdb.db, box, { endpoint: 'not a url', apiKey: 'k', zoneId: 'z', secretKey: 'x' }),
    ).rejects.toThrow(/must be a URL/);
    await expect(savePipelineSettings(tdb.db, { templateRetryAttempts: 0 })).rejects.toThrow();
    expect((await loadPipelineSettings(tdb.db)).templateRetryAttempts).toBe(3);
  });

  it('merges pipeline settings over the defaults', async () => {
    await savePipelineSettings(tdb.db, { templateRetryAttempts: 5 });
    expect(await loadPipelineSettings(tdb.db)).toMatchObject({
      templateRetryAttempts: 5,
      maxConcurrentTemplateDownloads: 4,
    });
  });
});
