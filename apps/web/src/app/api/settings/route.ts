import { loadPipelineSettings, readCloudStackSettings, readMappings } from '@vzferry/db';
import { settingsSchema } from '@/api/settings';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Everything the Settings page shows; the CloudStack secret only as `hasSecret`. */
export const GET = route({ access: 'read', output: settingsSchema }, async () => {
  const { db } = server();
  const [cloudstack, mappings, pipeline] = await Promise.all([
    readCloudStackSettings(db),
    readMappings(db),
    loadPipelineSettings(db),
  ]);
  return { cloudstack, mappings, pipeline };
});
