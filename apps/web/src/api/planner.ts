// The batch planner: picking containers (a pasted list resolved, every id a
// filter matches), and a batch's plan before it starts (totals, windows,
// projected downtimes, the dry run of preflight).
import { safeText } from '@vzferry/core/safe-text';
import { z } from 'zod';
import { bigintText, isoDate } from './wire';

/** A paste of CTIDs, host:CTIDs or hostnames, one per line. */
export const containerRefsSchema = z.object({ text: safeText().max(256 * 1024) });
export type ContainerRefs = z.input<typeof containerRefsSchema>;

const pickedContainer = z.object({
  id: z.string(),
  sourceCtid: z.number().int(),
  hostname: z.string().nullable(),
  migrationState: z.string(),
  sourceHost: z.object({ name: z.string() }),
});
export type PickedContainer = z.output<typeof pickedContainer>;

export const resolvedRefsSchema = z.object({
  found: z.array(z.object({ line: z.number().int(), text: z.string(), container: pickedContainer })),
  unknown: z.array(z.object({ line: z.number().int(), text: z.string(), problem: z.string() })),
});
export type ResolvedRefs = z.output<typeof resolvedRefsSchema>;

/** Every container the containers page's filter matches (up to the cap of a batch). */
export const containerIdsSchema = z.object({ ids: z.array(z.string()), overLimit: z.boolean() });
export type ContainerIds = z.output<typeof containerIdsSchema>;

const finding = z.object({ ok: z.boolean(), warning: z.boolean().optional(), code: z.string(), message: z.string() });
export type Finding = z.output<typeof finding>;

export const batchPlanSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  startAt: isoDate.nullable(),
  concurrency: z.number().int(),
  perHostConcurrency: z.number().int().nullable(),
  totals: z.object({
    containers: z.number().int(),
    diskQuotaBytes: bigintText,
    diskUsedBytes: bigintText,
    /** what the runs reserve on converter boxes (quota, image, margin) */
    boxDiskBytes: bigintText,
  }),
  hosts: z.array(z.object({ name: z.string(), containers: z.number().int(), hostLimit: z.number().int() })),
  runs: z.array(
    z.object({
      runId: z.string(),
      status: z.string(),
      container: z.object({
        id: z.string(),
        sourceCtid: z.number().int(),
        hostname: z.string().nullable(),
        ostemplate: z.string().nullable(),
        status: z.string(),
        diskQuotaKb: bigintText.nullable(),
        diskUsedKb: bigintText.nullable(),
        sourceHost: z.object({ name: z.string() }),
      }),
      customer: z.object({ name: z.string(), timezone: z.string() }).nullable(),
      /** the customer's downtime window: the next one after the batch's start */
      window: z
        .object({
          text: z.string(),
          timeZone: z.string(),
          nextStart: isoDate.nullable(),
          nextEnd: isoDate.nullable(),
          problem: z.string().nullable(),
        })
        .nullable(),
      /** an estimate of the downtime (stop_source to verify), in ms */
      projectedDowntimeMs: z.number().int(),
      dryRun: z.object({ ok: z.boolean(), findings: z.array(finding), checkedAt: isoDate }).nullable(),
    }),
  ),
  /** the latest dry run of preflight */
  dryRun: z
    .object({
      id: z.string(),
      requestedAt: isoDate,
      requestedBy: z.string(),
      startedAt: isoDate.nullable(),
      finishedAt: isoDate.nullable(),
      error: z.string().nullable(),
      checked: z.number().int(),
      box: z.object({ name: z.string(), online: z.boolean() }).nullable(),
    })
    .nullable(),
});
export type BatchPlan = z.output<typeof batchPlanSchema>;
export type PlannedRun = BatchPlan['runs'][number];

export const dryRunRequestedSchema = z.object({ dryRunId: z.string(), box: z.string() });
export type DryRunRequested = z.output<typeof dryRunRequestedSchema>;
