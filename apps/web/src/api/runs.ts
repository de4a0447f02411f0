// One container's migration run as its page shows it: the stages (latest
// attempt of each), the downtime (projected and actual), catch-up syncs,
// template uploads and the log tail.
import { z } from 'zod';
import { retryPlanSchema } from './failures';
import { isoDate } from './wire';

/** How many of the newest log lines the run page gets. */
export const RUN_LOG_LINES = 300;

export const runViewSchema = z.object({
  id: z.string(),
  status: z.string(),
  currentStage: z.string().nullable(),
  failedStage: z.string().nullable(),
  error: z.string().nullable(),
  /** what Retry does (from which stage, whether a new downtime), while the run is failed */
  retry: retryPlanSchema.nullable(),
  batch: z.object({ id: z.string(), name: z.string(), status: z.string() }),
  container: z.object({
    id: z.string(),
    sourceCtid: z.number().int(),
    hostname: z.string().nullable(),
    downtimeWindow: z.string().nullable(),
    sourceHost: z.object({ name: z.string() }),
    customer: z.object({ name: z.string(), timezone: z.string() }).nullable(),
  }),
  box: z.string().nullable(),
  plannedWindowStart: isoDate.nullable(),
  plannedWindowEnd: isoDate.nullable(),
  downtimeStartedAt: isoDate.nullable(),
  downtimeEndedAt: isoDate.nullable(),
  /** every time the source was stopped: earlier windows (a Retry after a rollback) and the current one */
  downtimeWindows: z.array(z.object({ startedAt: isoDate, endedAt: isoDate.nullable() })),
  /** the sum of the closed windows */
  downtimeSeconds: z.number().nullable(),
  cloudstackVmName: z.string().nullable(),
  /** staged: the VM is deployed before the window and waits stopped; classic: the image moves in the downtime */
  cutoverPath: z.enum(['classic', 'staged']),
  /** await_cutover's projection of the cutover's downtime, in ms */
  projectedDowntimeMs: z.number().int().nullable(),
  /** the catch-up syncs while the run waited for its window, oldest first */
  catchUpSyncs: z.array(
    z.object({
      startedAt: isoDate,
      durationMs: z.number().int(),
      files: z.number().int(),
      filesTransferred: z.number().int(),
      /** bytes, in text (bigints) */
      bytesTransferred: z.string(),
    }),
  ),
  stages: z.array(
    z.object({
      stage: z.string(),
      attempts: z.number().int(),
      status: z.string(),
      progressPercent: z.number().nullable(),
      /** bytes, in text (bigints) */
      bytesDone: z.string().nullable(),
      bytesTotal: z.string().nullable(),
      filesDone: z.number().int().nullable(),
      filesTotal: z.number().int().nullable(),
      message: z.string().nullable(),
      error: z.string().nullable(),
      startedAt: isoDate.nullable(),
      finishedAt: isoDate.nullable(),
    }),
  ),
  /** what rewrite_config changed in the guest's own configuration, backup against rewritten */
  configDiff: z.array(
    z.object({
      /** the original, as kept in the guest's backup folder */
      from: z.string(),
      /** the rewritten file; null when it was removed */
      to: z.string().nullable(),
      /** "@@ line N", "- " lines of the original, "+ " lines that replaced them */
      lines: z.array(z.string()),
    }),
  ),
  templateUploads: z.array(
    z.object({
      attempt: z.number().int(),
      state: z.string(),
      csStatus: z.string().nullable(),
      downloadPercent: z.number().nullable(),
      error: z.string().nullable(),
      createdAt: isoDate,
      readyAt: isoDate.nullable(),
    }),
  ),
  events: z.array(
    z.object({
      id: z.string(),
      stage: z.string().nullable(),
      at: isoDate,
      level: z.string(),
      kind: z.string(),
      stream: z.string().nullable(),
      message: z.string(),
    }),
  ),
});
export type RunView = z.output<typeof runViewSchema>;
export type StageRow = RunView['stages'][number];
export type ConfigDiffRow = RunView['configDiff'][number];
