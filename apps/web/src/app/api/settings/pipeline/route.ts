import { pipelineSettingsPatchSchema, pipelineSettingsSchema } from '@vzferry/core';
import { savePipelineSettings } from '@vzferry/db';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Saves the named pipeline settings (the others stay); every field is checked, nothing is saved if one is wrong. */
export const PUT = route(
  { access: 'administer', body: pipelineSettingsPatchSchema, output: pipelineSettingsSchema },
  async ({ body, actor }) => savePipelineSettings(server().db, body, actor),
);
