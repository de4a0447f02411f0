import { cloudStackSettingsSchema } from '@vzferry/core';
import { readCloudStackSettings, saveCloudStackSettings } from '@vzferry/db';
import { z } from 'zod';
import { server, WEB_ACTOR } from '@/server/context';
import { handle, jsonBody, parseInput } from '@/server/route';

export const dynamic = 'force-dynamic';

const bodySchema = cloudStackSettingsSchema.extend({ secretKey: z.string().trim().min(1).max(512).nullable().optional() });

/** Saves the connection; an empty secret keeps the stored one. The answer never holds the secret. */
export const PUT = handle(async (req) => {
  const { db, secrets } = server();
  await saveCloudStackSettings(db, secrets, parseInput(bodySchema, await jsonBody(req)), WEB_ACTOR);
  return readCloudStackSettings(db);
});
