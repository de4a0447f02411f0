import { pipelineSettingsPatchSchema } from '@vzferry/core';
import { savePipelineSettings } from '@vzferry/db';
import { server, WEB_ACTOR } from '@/server/context';
import { handle, jsonBody, parseInput } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Saves the named pipeline settings (the others stay); every field is checked, nothing is saved if one is wrong. */
export const PUT = handle(async (req) => {
  const { db } = server();
  return savePipelineSettings(db, parseInput(pipelineSettingsPatchSchema, await jsonBody(req)), WEB_ACTOR);
});
