// Settings rows: one JSON value per key; the CloudStack secret key is sealed
// with the instance key in the `secret` column and only the worker opens it.
import type { z } from 'zod';
import {
  AppError,
  type CloudStackSettings,
  cloudStackSettingsSchema,
  parseInput,
  type PipelineSettings,
  pipelineSettingsSchema,
} from '@vzferry/core';
import { type Db, prismaOf } from '../client';
import type { SecretBox } from '../secret-box';

const CLOUDSTACK = 'cloudstack';
const PIPELINE = 'pipeline';

/** For pages and the API: never includes the secret, only whether one is stored. */
export async function readCloudStackSettings(db: Db): Promise<(CloudStackSettings & { hasSecret: boolean }) | null> {
  const client = prismaOf(db);
  const row = await client.setting.findUnique({ where: { key: CLOUDSTACK } });
  if (!row?.value) return null;
  return { ...cloudStackSettingsSchema.parse(row.value), hasSecret: Boolean(row.secret) };
}

/** For the worker: with the secret opened. */
export async function loadCloudStackCredentials(
  db: Db,
  box: SecretBox,
): Promise<(CloudStackSettings & { secretKey: string }) | null> {
  const client = prismaOf(db);
  const row = await client.setting.findUnique({ where: { key: CLOUDSTACK } });
  if (!row?.value || !row.secret) return null;
  return { ...cloudStackSettingsSchema.parse(row.value), secretKey: box.open(row.secret) };
}

/**
 * Saves the connection; an empty secret keeps the stored one, except when
 * the endpoint changes: the stored secret is never sent to another
 * endpoint than the one it was entered for. Returns the names of the fields
 * that changed (for the audit log; the secret only as "secretKey").
 */
export async function saveCloudStackSettings(
  db: Db,
  box: SecretBox,
  input: z.input<typeof cloudStackSettingsSchema> & { secretKey?: string | null },
): Promise<string[]> {
  const client = prismaOf(db);
  const value = parseInput(cloudStackSettingsSchema, input);
  const existing = await client.setting.findUnique({ where: { key: CLOUDSTACK } });
  const before = existing?.value ? cloudStackSettingsSchema.safeParse(existing.value).data : undefined;
  if (!input.secretKey && before && before.endpoint !== value.endpoint) {
    throw new AppError('secret_required', 'the endpoint changed: enter the secret key for the new endpoint');
  }
  const secret = input.secretKey ? box.seal(input.secretKey) : existing?.secret;
  if (!secret) throw new AppError('secret_required', 'the secret key is required the first time');
  await client.setting.upsert({
    where: { key: CLOUDSTACK },
    create: { key: CLOUDSTACK, value, secret },
    update: { value, secret },
  });
  return [...changedFields(before ?? {}, value), ...(input.secretKey ? ['secretKey'] : [])];
}

/** The names of the fields whose values differ. */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

export async function loadPipelineSettings(db: Db): Promise<PipelineSettings> {
  const client = prismaOf(db);
  const row = await client.setting.findUnique({ where: { key: PIPELINE } });
  const stored = (row?.value ?? {}) as Record<string, unknown>;
  const parsed = pipelineSettingsSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  // a value saved before its field's rule became strict falls back to its default (named in the log):
  // refusing to read would stop every run and leave the Settings page unable to save a good one
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  console.warn(`[db] pipeline settings ${[...bad].join(', ')} no longer valid; using the defaults until saved again`);
  return pipelineSettingsSchema.parse(Object.fromEntries(Object.entries(stored).filter(([k]) => !bad.has(k))));
}

/** Saves the named pipeline settings (the others stay); returns the settings and the names of those that changed. */
export async function savePipelineSettings(
  db: Db,
  input: Partial<PipelineSettings>,
): Promise<{ settings: PipelineSettings; changed: string[] }> {
  const client = prismaOf(db);
  const before = await loadPipelineSettings(db);
  const value = parseInput(pipelineSettingsSchema, { ...before, ...input });
  await client.setting.upsert({ where: { key: PIPELINE }, create: { key: PIPELINE, value }, update: { value } });
  return { settings: value, changed: changedFields(before, value) };
}
export * from './mappings';
