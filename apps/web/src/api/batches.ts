// Batches: the list, one batch with its runs, and what creating, starting
// and pausing one take and answer.
import { safeText } from '@vzferry/core/safe-text';
import { z } from 'zod';
import { isoDate } from './wire';

/**
 * A new batch: the listed container ids, or every container the containers
 * page's filter (its URL parameters) matches; exactly one of the two. A field
 * it does not know is refused, not ignored (an ignored `hostId` made a batch
 * of every container).
 */
export const newBatchSchema = z
  .object({
    name: safeText().trim().min(1, 'a batch needs a name').max(100),
    concurrency: z.number().int().min(1).max(500).default(10),
    /** at most this many of its runs at a time on one source host */
    perHostConcurrency: z.number().int().min(1).max(500).optional(),
    /** when it starts once started (ISO 8601 with its offset); none: when an engineer starts it */
    startAt: z.iso
      .datetime({ offset: true })
      .transform((s) => new Date(s))
      .optional(),
    containerIds: z.array(z.uuid()).min(1, 'a batch needs at least one container').max(5000).optional(),
    /** the containers page's URL parameters; the route checks each against the containers query */
    filter: z.record(z.string(), z.string()).optional(),
  })
  .strict();

/** A batch is made from its list of ids or from a filter: one of them, never both. */
export function checkOneSource(b: { containerIds?: unknown; filter?: unknown }, ctx: z.RefinementCtx): void {
  const given = Number(b.containerIds !== undefined) + Number(b.filter !== undefined);
  if (given === 1) return;
  ctx.addIssue({
    code: 'custom',
    message:
      given === 0 ? 'a batch needs containerIds or a filter' : 'give the batch containerIds or a filter, not both',
  });
}
export type NewBatch = z.input<typeof newBatchSchema>;

export const batchCreatedSchema = z.object({ id: z.string() });
export type BatchCreated = z.output<typeof batchCreatedSchema>;

/** { paused: true } holds the batch; false resumes it. */
export const batchPauseSchema = z.object({ paused: z.boolean() });
export type BatchPause = z.input<typeof batchPauseSchema>;

/** What start and pause answer: the batch's new status. */
export const batchStatusSchema = z.object({ id: z.string(), status: z.string() });
export type BatchStatus = z.output<typeof batchStatusSchema>;

export const batchListSchema = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    status: z.string(),
    concurrency: z.number().int(),
    createdAt: isoDate,
    startAt: isoDate.nullable(),
    startedAt: isoDate.nullable(),
    finishedAt: isoDate.nullable(),
    /** how many of its runs are in each status */
    runs: z.record(z.string(), z.number().int()),
  }),
);
export type BatchListItem = z.output<typeof batchListSchema>[number];

export const batchViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  status: z.string(),
  concurrency: z.number().int(),
  startAt: isoDate.nullable(),
  startedAt: isoDate.nullable(),
  pausedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
  runs: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      currentStage: z.string().nullable(),
      failedStage: z.string().nullable(),
      error: z.string().nullable(),
      /** why a queued run has not started yet (a limit, no box with room) */
      waitingReason: z.string().nullable(),
      container: z.object({
        id: z.string(),
        sourceCtid: z.number().int(),
        hostname: z.string().nullable(),
        downtimeWindow: z.string().nullable(),
        sourceHost: z.object({ name: z.string() }),
        customer: z.object({ name: z.string() }).nullable(),
      }),
      box: z.string().nullable(),
      plannedWindowStart: isoDate.nullable(),
      plannedWindowEnd: isoDate.nullable(),
      downtimeStartedAt: isoDate.nullable(),
      downtimeEndedAt: isoDate.nullable(),
      progressPercent: z.number().nullable(),
      stageMessage: z.string().nullable(),
    }),
  ),
});
export type BatchView = z.output<typeof batchViewSchema>;
export type BatchRun = BatchView['runs'][number];
