// Settings rows: one JSON value per key; the CloudStack secret key is sealed
// with the instance key in the `secret` column and only the worker opens it.
import {
  type Actor,
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

export async function saveCloudStackSettings(
  db: Db,
  box: SecretBox,
  input: CloudStackSettings & { secretKey?: string | null },
  actor: Actor,
): Promise<void> {
  const client = prismaOf(db);
  const value = parseInput(cloudStackSettingsSchema, input);
  const existing = await client.setting.findUnique({ where: { key: CLOUDSTACK } });
  const secret = input.secretKey ? box.seal(input.secretKey) : existing?.secret;
  if (!secret) throw new AppError('secret_required', 'the secret key is required the first time');
  await client.$transaction([
    client.setting.upsert({
      where: { key: CLOUDSTACK },
      create: { key: CLOUDSTACK, value, secret },
      update: { value, secret },
    }),
    client.auditLog.create({
      data: {
        userId: actor.userId,
        actor: actor.name,
        action: 'settings.cloudstack',
        targetType: 'Setting',
        targetId: CLOUDSTACK,
        details: { ...value, secretChanged: Boolean(input.secretKey) },
      },
    }),
  ]);
}

export async function loadPipelineSettings(db: Db): Promise<PipelineSettings> {
  const client = prismaOf(db);
  const row = await client.setting.findUnique({ where: { key: PIPELINE } });
  return pipelineSettingsSchema.parse(row?.value ?? {});
}

export async function savePipelineSettings(
  db: Db,
  input: Partial<PipelineSettings>,
  actor: Actor,
): Promise<PipelineSettings> {
  const client = prismaOf(db);
  const value = parseInput(pipelineSettingsSchema, { ...(await loadPipelineSettings(db)), ...input });
  await client.$transaction([
    client.setting.upsert({ where: { key: PIPELINE }, create: { key: PIPELINE, value }, update: { value } }),
    client.auditLog.create({
      data: {
        userId: actor.userId,
        actor: actor.name,
        action: 'settings.pipeline',
        targetType: 'Setting',
        targetId: PIPELINE,
        details: value,
      },
    }),
  ]);
  return value;
}
export * from './mappings';
