import { allows } from '@vzferry/core';
import { loadPipelineSettings, readCloudStackSettings, readMappings } from '@vzferry/db';
import { settingsSchema } from '@/api/settings';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/**
 * Everything the Settings page shows; the CloudStack secret only as
 * `hasSecret`, and the API key only to an admin (the others see that one is
 * set, not what it is).
 */
export const GET = route({ access: 'read', output: settingsSchema }, async ({ actor }) => {
  const { db } = server();
  const [cloudstack, mappings, pipeline] = await Promise.all([
    readCloudStackSettings(db),
    readMappings(db),
    loadPipelineSettings(db),
  ]);
  const apiKeyShown = allows(actor.role, 'administer');
  return {
    cloudstack: cloudstack && { ...cloudstack, apiKey: apiKeyShown ? cloudstack.apiKey : HIDDEN },
    mappings,
    pipeline,
  };
});

const HIDDEN = '(set; only an admin sees it)';
