// The failures view: failed runs grouped by stage and error code, and what
// Retry all of a group takes and answers.
import { safeText } from '@vzferry/core/safe-text';
import { z } from 'zod';
import { isoDate } from './wire';

/** What a Retry does: from which stage the run goes on, and whether the customer is down again. */
export const retryPlanSchema = z.object({ from: z.string(), newDowntime: z.boolean(), label: z.string() });
export type RetryPlan = z.output<typeof retryPlanSchema>;

export const failuresSchema = z.object({
  /** failed runs in all; `shown` of them are in the groups (the newest) */
  total: z.number().int(),
  shown: z.number().int(),
  groups: z.array(
    z.object({
      key: z.string(),
      stage: z.string(),
      errorCode: z.string(),
      /** the catalogue's sentence for the code */
      title: z.string(),
      kind: z.string(),
      count: z.number().int(),
      retry: retryPlanSchema,
      runs: z.array(
        z.object({
          id: z.string(),
          error: z.string().nullable(),
          failedAt: isoDate,
          batch: z.object({ id: z.string(), name: z.string(), status: z.string() }),
          container: z.object({
            id: z.string(),
            sourceCtid: z.number().int(),
            hostname: z.string().nullable(),
            sourceHost: z.object({ name: z.string() }),
          }),
          customer: z.object({ name: z.string() }).nullable(),
        }),
      ),
    }),
  ),
});
export type Failures = z.output<typeof failuresSchema>;
export type FailureGroup = Failures['groups'][number];
export type FailedRun = FailureGroup['runs'][number];

/** Retry all: the group (its stage and code) and the runs of it the page showed. */
export const retryGroupSchema = z.object({
  stage: safeText().min(1).max(40),
  errorCode: safeText().min(1).max(100),
  runIds: z.array(z.uuid()).min(1, 'name at least one run').max(5000),
});
export type RetryGroup = z.input<typeof retryGroupSchema>;

export const retryGroupResultSchema = z.object({
  retried: z.array(z.object({ runId: z.string(), from: z.string() })),
  /** runs that changed meanwhile (retried by someone else, failed for another cause), each with why */
  notRetried: z.array(z.object({ runId: z.string(), reason: z.string() })),
});
export type RetryGroupResult = z.output<typeof retryGroupResultSchema>;
