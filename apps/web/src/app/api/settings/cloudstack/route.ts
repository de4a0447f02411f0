import { readCloudStackSettings, saveCloudStackSettings } from '@vzferry/db';
import { cloudStackSettingsInputSchema, cloudStackSettingsViewSchema } from '@/api/settings';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/**
 * Saves the connection; an empty secret keeps the stored one unless the
 * endpoint changes. The answer never holds the secret; the audit row names
 * the fields that changed.
 */
export const PUT = route(
  {
    access: 'administer',
    audit: { action: 'settings.cloudstack', target: 'Setting' },
    body: cloudStackSettingsInputSchema,
    output: cloudStackSettingsViewSchema,
  },
  async ({ body, audit }) => {
    const { db, secrets } = server();
    audit({ targetId: 'cloudstack', details: { changed: await saveCloudStackSettings(db, secrets, body) } });
    return readCloudStackSettings(db);
  },
);
