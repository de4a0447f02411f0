import { readCloudStackSettings, saveCloudStackSettings } from '@vzferry/db';
import { cloudStackSettingsInputSchema, cloudStackSettingsViewSchema } from '@/api/settings';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Saves the connection; an empty secret keeps the stored one. The answer never holds the secret. */
export const PUT = route(
  { access: 'administer', body: cloudStackSettingsInputSchema, output: cloudStackSettingsViewSchema },
  async ({ body, actor }) => {
    const { db, secrets } = server();
    await saveCloudStackSettings(db, secrets, body, actor);
    return readCloudStackSettings(db);
  },
);
