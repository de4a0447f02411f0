// The manager's report (packages/core report/, assembled by packages/db
// loadReport) as the browser gets it, and the tables it exports as CSV.
import type { ReportTable } from '@vzferry/core';
import { z } from 'zod';
import { isoDate } from './wire';

/** The tables the CSV download offers (core's REPORT_TABLES; a unit test holds them equal). */
export const REPORT_TABLE_NAMES = [
  'daily',
  'downtime',
  'failures',
  'hosts',
  'customers',
] as const satisfies readonly ReportTable[];

export const reportCsvQuerySchema = z.object({
  table: z.enum(REPORT_TABLE_NAMES, { error: `table is one of ${REPORT_TABLE_NAMES.join(', ')}` }),
});

const counts = {
  total: z.number().int(),
  done: z.number().int(),
  inProgress: z.number().int(),
  failed: z.number().int(),
  notStarted: z.number().int(),
  left: z.number().int(),
};

const estimateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('done'), remaining: z.number().int() }),
  z.object({
    kind: z.literal('not_enough_data'),
    remaining: z.number().int(),
    windowDays: z.number(),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal('estimated'),
    remaining: z.number().int(),
    ratePerDay: z.number(),
    windowDays: z.number(),
    migratedInWindow: z.number().int(),
    estimatedAt: isoDate,
  }),
]);

export const downtimeRowSchema = z.object({
  runId: z.string(),
  runStatus: z.string(),
  containerId: z.string(),
  ctid: z.number().int(),
  hostname: z.string().nullable(),
  host: z.string(),
  customer: z.string().nullable(),
  startedAt: isoDate,
  endedAt: isoDate,
  seconds: z.number(),
  /** what was projected before the cutover (null: none) */
  projectedSeconds: z.number().nullable(),
  /** each stop of the source to its start again; `seconds` is their sum */
  windows: z.array(z.object({ startedAt: isoDate, endedAt: isoDate })),
  stops: z.number().int(),
});

export const reportSchema = z.object({
  generatedAt: isoDate,
  totals: z.object(counts),
  daily: z.array(
    z.object({
      day: z.string(),
      done: z.number().int(),
      inProgress: z.number().int(),
      failed: z.number().int(),
      notStarted: z.number().int(),
      migrated: z.number().int(),
      failedThatDay: z.number().int(),
    }),
  ),
  downtime: z.object({
    count: z.number().int(),
    p50Seconds: z.number().nullable(),
    p95Seconds: z.number().nullable(),
    maxSeconds: z.number().nullable(),
    downNow: z.number().int(),
    stoppedMoreThanOnce: z.number().int(),
    longest: z.array(downtimeRowSchema),
  }),
  estimate: estimateSchema,
  failures: z.array(
    z.object({ errorCode: z.string(), message: z.string(), stage: z.string().nullable(), runs: z.number().int() }),
  ),
  hosts: z.array(z.object({ hostId: z.string(), host: z.string(), ...counts })),
  customers: z.array(
    z.object({ customerId: z.string().nullable(), customer: z.string(), email: z.string().nullable(), ...counts }),
  ),
});
export type Report = z.output<typeof reportSchema>;
