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
const actor = { name: 'admin' };
beforeAll(async () => {
  tdb = await createTestDatabase('settings');
});
afterAll(async () => {
  await tdb?.drop();
});

describe('settings', () => {
  it('stores the CloudStack secret sealed, never reads it back for pages, and keeps it when left empty', async () => {
    await saveCloudStackSettings(
      tdb.db,
      box,
      { endpoint: 'http://cs:8080/client/api', apiKey: 'k', zoneId: 'z', secretKey: 's3cret' },
      actor,
    );
    const row = await tdb.prisma.setting.findUniqueOrThrow({ where: { key: 'cloudstack' } });
    expect(JSON.stringify(row)).not.toContain('s3cret');
    expect(await readCloudStackSettings(tdb.db)).toEqual({
      endpoint: 'http://cs:8080/client/api',
      apiKey: 'k',
      zoneId: 'z',
      hasSecret: true,
    });
    await saveCloudStackSettings(
      tdb.db,
      box,
      { endpoint: 'http://cs2:8080/client/api', apiKey: 'k2', zoneId: 'z' },
      actor,
    );
    expect(await loadCloudStackCredentials(tdb.db, box)).toMatchObject({
      endpoint: 'http://cs2:8080/client/api',
      secretKey: 's3cret',
    });
    const audit = await tdb.prisma.auditLog.findMany({ where: { action: 'settings.cloudstack' } });
    expect(JSON.stringify(audit, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('s3cret');
  });

  it('refuses bad values and changes nothing', async () => {
    await expect(
      saveCloudStackSettings(tdb.db, box, { endpoint: 'not a url', apiKey: 'k', zoneId: 'z', secretKey: 'x' }, actor),
    ).rejects.toThrow(/must be a URL/);
    await expect(savePipelineSettings(tdb.db, { templateRetryAttempts: 0 }, actor)).rejects.toThrow();
    expect((await loadPipelineSettings(tdb.db)).templateRetryAttempts).toBe(3);
  });

  it('merges pipeline settings over the defaults', async () => {
    await savePipelineSettings(tdb.db, { templateRetryAttempts: 5 }, actor);
    expect(await loadPipelineSettings(tdb.db)).toMatchObject({
      templateRetryAttempts: 5,
      maxConcurrentTemplateDownloads: 4,
    });
  });
});
