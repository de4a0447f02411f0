// A running worker sees a change of Settings > CloudStack connection at its
// next stage: the box's StageDeps build the CloudStack session from the
// stored settings as they are when a stage asks, not as they were when the
// worker started.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveCloudStackSettings, SecretBox } from '@vzferry/db';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import { applianceImage, LocalExecutor } from '@vzferry/pipeline';
import { createStageDeps, type TemplateServer } from '../src/index';

let tdb: TestDatabase;
const secrets = new SecretBox(randomBytes(32));

beforeAll(async () => {
  tdb = await createTestDatabase('settingschange');
});
afterAll(async () => {
  await tdb?.drop();
});

const connection = (over: Record<string, string> = {}) => ({
  endpoint: 'https://cs-a.example.net/client/api',
  apiKey: 'key-a',
  secretKey: 'secret-a',
  zoneId: 'zone-a',
  allowPlainHttp: false,
  ...over,
});

describe('a change of the CloudStack connection', () => {
  it('is used by the next stage of a running worker, without a restart', async () => {
    const deps = createStageDeps({
      db: tdb.db,
      secrets,
      local: new LocalExecutor(),
      // no stage runs here: only the CloudStack session is asked for
      templateServer: {} as TemplateServer,
      bootIso: async () => null,
      // no guest job runs here either
      appliance: { image: applianceImage('/nonexistent'), kvm: false },
    });
    await saveCloudStackSettings(tdb.db, secrets, connection());
    const first = await deps.cloudstack();
    expect(first.zoneId).toBe('zone-a');
    // unchanged settings: the same client (its connections and state) serve the next stage
    expect((await deps.cloudstack()).client).toBe(first.client);

    // an engineer moves the migration to another zone and management server
    await saveCloudStackSettings(
      tdb.db,
      secrets,
      connection({ endpoint: 'https://cs-b.example.net/client/api', secretKey: 'secret-b', zoneId: 'zone-b' }),
    );
    const next = await deps.cloudstack();
    expect(next.zoneId).toBe('zone-b');
    expect(next.client).not.toBe(first.client);
    await deps.close();
  });
});
