import { pipelineSettingsPatchSchema, pipelineSettingsSchema } from '@vzferry/core';
import { savePipelineSettings } from '@vzferry/db';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Saves the named pipeline settings (the others stay); every field is checked, nothing is saved if one is wrong. */
export const PUT = route(
  {
    access: 'administer',
    audit: { action: 'settings.pipeline', target: 'Setting' },
    body: pipelineSettingsPatchSchema,
    output: pipelineSettingsSchema,
  },
  async ({ body, audit }) => {
    const { settings, changed } = await savePipelineSettings(server().db, body);
    audit({ targetId: 'pipeline', details: { changed } });
    return settings;
  },
);
