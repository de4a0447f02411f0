// The Settings page: the CloudStack connection (its secret goes in, only
// `hasSecret` comes out), the mappings, the pipeline settings, and what
// "Test connection" answers. A refusal by CloudStack is an answer
// (ok: false with CloudStack's words), not an HTTP error.
import { cloudStackSettingsFields, pipelineSettingsSchema, plainHttpRule } from '@vzferry/core/settings';
import type { mappingsSchema } from '@vzferry/db';
import { z } from 'zod';

// the body of PUT /api/settings/pipeline is core's pipelineSettingsPatchSchema; the form sends what was typed, unchecked, so the refusal names the field
export type PipelineSettings = z.output<typeof pipelineSettingsSchema>;
/** The body of PUT /api/settings/mappings: packages/db's mappingsSchema checks CIDRs and duplicates. */
export type MappingsInput = z.input<typeof mappingsSchema>;

/** The saved connection; an empty secret keeps the stored one. */
export const cloudStackSettingsInputSchema = z
  .object({ ...cloudStackSettingsFields, secretKey: z.string().trim().min(1).max(512).nullable().optional() })
  .refine(...plainHttpRule);
export type CloudStackSettingsInput = z.input<typeof cloudStackSettingsInputSchema>;

export const cloudStackSettingsViewSchema = z
  .object({ ...cloudStackSettingsFields, hasSecret: z.boolean() })
  .nullable();
export type CloudStackSettingsView = z.output<typeof cloudStackSettingsViewSchema>;

const optionalName = z.string().nullable();

export const mappingsViewSchema = z.object({
  networks: z.array(
    z.object({
      name: z.string(),
      cidr: z.string(),
      sourceVlan: z.number().int().nullable(),
      gateway: z.string().nullable(),
      cloudstackNetworkId: z.string(),
      cloudstackNetworkName: optionalName,
    }),
  ),
  offerings: z.array(
    z.object({
      maxRamMb: z.number().int(),
      maxCpus: z.number().int(),
      serviceOfferingId: z.string(),
      serviceOfferingName: optionalName,
    }),
  ),
  osTypes: z.array(
    z.object({
      distribution: z.string(),
      version: z.string(),
      osTypeId: z.string(),
      osTypeName: optionalName,
      legacyOsTypeId: z.string().nullable(),
      legacyOsTypeName: optionalName,
    }),
  ),
});
export type Mappings = z.output<typeof mappingsViewSchema>;

export const settingsSchema = z.object({
  cloudstack: cloudStackSettingsViewSchema,
  mappings: mappingsViewSchema,
  pipeline: pipelineSettingsSchema,
});
export type Settings = z.output<typeof settingsSchema>;

/** "Test connection" with what the form holds; no secret means the stored one. */
export const connectionTestInputSchema = z
  .object({
    endpoint: cloudStackSettingsFields.endpoint,
    apiKey: cloudStackSettingsFields.apiKey,
    allowPlainHttp: cloudStackSettingsFields.allowPlainHttp,
    secretKey: z.string().trim().max(512).nullable().optional(),
    zoneId: z.string().trim().max(64).nullable().optional(),
  })
  .refine(...plainHttpRule);
export type ConnectionTestInput = z.input<typeof connectionTestInputSchema>;

const connectedSchema = z.object({
  ok: z.literal(true),
  elapsedMs: z.number(),
  zones: z.array(z.object({ id: z.string(), name: z.string() })),
  /** the zone whose networks follow: the one asked for, else the first */
  zoneId: z.string().nullable(),
  networks: z.array(z.object({ id: z.string(), name: z.string(), cidr: z.string().nullable() })),
  offerings: z.array(
    z.object({ id: z.string(), name: z.string(), cpunumber: z.number().nullable(), memory: z.number().nullable() }),
  ),
  osTypes: z.array(z.object({ id: z.string(), description: z.string() })),
});
export const connectionTestSchema = z.discriminatedUnion('ok', [
  connectedSchema,
  z.object({ ok: z.literal(false), elapsedMs: z.number(), error: z.string() }),
]);
export type ConnectionTest = z.output<typeof connectionTestSchema>;
export type Connected = z.output<typeof connectedSchema>;
