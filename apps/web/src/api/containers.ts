// The containers page (one page of rows, the filters' choices) and one
// container's facts, as the browser gets them. Disk sizes are KiB in text:
// PostgreSQL bigints, which JSON cannot hold.
import { z } from 'zod';
import { containerStateSchema, noteSchema, timelineEntrySchema } from './support';
import { isoDate } from './wire';

const ref = z.object({ id: z.string(), name: z.string() });

export const containerPageSchema = z.object({
  rows: z.array(
    z.object({
      id: z.string(),
      sourceCtid: z.number().int(),
      hostname: z.string().nullable(),
      status: z.string(),
      ostemplate: z.string().nullable(),
      diskQuotaKb: z.string().nullable(),
      ramMb: z.number().int().nullable(),
      migrationState: z.string(),
      vanished: z.boolean(),
      host: ref,
      customer: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
      ips: z.array(z.string()),
    }),
  ),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type ContainerPage = z.output<typeof containerPageSchema>;
export type ContainerRow = ContainerPage['rows'][number];

export const containerFacetsSchema = z.object({
  hosts: z.array(ref),
  osTemplates: z.array(z.object({ value: z.string(), count: z.number().int() })),
  customers: z.array(ref),
  statuses: z.array(z.string()),
  migrationStates: z.array(z.string()),
});
export type ContainerFacets = z.output<typeof containerFacetsSchema>;

export const containerDetailSchema = z.object({
  id: z.string(),
  sourceCtid: z.number().int(),
  hostname: z.string().nullable(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  status: z.string(),
  ostemplate: z.string().nullable(),
  layout: z.string().nullable(),
  privatePath: z.string().nullable(),
  diskQuotaKb: z.string().nullable(),
  diskUsedKb: z.string().nullable(),
  inodesUsed: z.string().nullable(),
  inodesLimit: z.string().nullable(),
  ramMb: z.number().int().nullable(),
  swapMb: z.number().int().nullable(),
  cpus: z.number().int().nullable(),
  onboot: z.boolean().nullable(),
  nameservers: z.array(z.string()),
  searchDomains: z.array(z.string()),
  downtimeWindow: z.string().nullable(),
  migrationState: z.string(),
  vanishedAt: isoDate.nullable(),
  lastSeenAt: isoDate,
  sourceHost: z.object({ id: z.string(), name: z.string(), address: z.string(), port: z.number().int() }),
  customer: z.object({ id: z.string(), name: z.string(), email: z.string(), timezone: z.string() }).nullable(),
  nics: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      mac: z.string().nullable(),
      bridge: z.string().nullable(),
      vlan: z.number().int().nullable(),
    }),
  ),
  ips: z.array(
    z.object({
      id: z.string(),
      address: z.string(),
      family: z.number().int(),
      prefix: z.number().int().nullable(),
      nic: z.object({ name: z.string() }).nullable(),
    }),
  ),
  notes: z.array(noteSchema),
  runs: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      currentStage: z.string().nullable(),
      failedStage: z.string().nullable(),
      createdAt: isoDate,
      finishedAt: isoDate.nullable(),
      downtimeStartedAt: isoDate.nullable(),
      downtimeEndedAt: isoDate.nullable(),
      cloudstackVmId: z.string().nullable(),
      cloudstackVmName: z.string().nullable(),
      vmNetworks: z.array(z.string()),
      batch: z.object({ id: z.string(), name: z.string() }),
    }),
  ),
  /** where it is, in words, in its customer's zone (UTC without a customer) */
  state: containerStateSchema,
  /** the source container as the pipeline left it, newer than the inventory's status when a run came after the import */
  source: z.object({ status: z.string(), onboot: z.boolean().nullable(), text: z.string() }),
  timeline: z.array(timelineEntrySchema),
});
export type ContainerDetail = z.output<typeof containerDetailSchema>;
