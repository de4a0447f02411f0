// Instance settings an engineer edits on the Settings page. The CloudStack
// secret key is not part of these schemas on purpose: it is stored sealed
// and never sent back (packages/db settings).
import { z } from 'zod';

/** The connection's fields (schemas that add to them spread these and apply plainHttpRule). */
export const cloudStackSettingsFields = {
  endpoint: z.string().url('the API endpoint must be a URL, e.g. https://cloudstack.example.net/client/api'),
  apiKey: z.string().trim().min(1, 'the API key is required'),
  zoneId: z.string().trim().min(1, 'choose the zone the VMs go to'),
  /**
   * Plain HTTP sends the signed requests, API key included, readable on the
   * way: only with this explicit opt-in (a lab, a management network).
   */
  allowPlainHttp: z.boolean().default(false),
};

/** An http: endpoint only with allowPlainHttp. */
export const plainHttpRule: [
  (s: { endpoint: string; allowPlainHttp: boolean }) => boolean,
  { path: string[]; message: string },
] = [
  (s) => s.allowPlainHttp || !s.endpoint.startsWith('http:'),
  {
    path: ['endpoint'],
    message: 'the endpoint is plain HTTP: use https, or allow plain HTTP explicitly (the API key travels readable)',
  },
];

export const cloudStackSettingsSchema = z.object(cloudStackSettingsFields).refine(...plainHttpRule);
export type CloudStackSettings = z.infer<typeof cloudStackSettingsSchema>;

export const pipelineSettingsSchema = z.object({
  /** register_template: registrations per run before the failure stops the run */
  templateRetryAttempts: z.number().int().min(1).max(10).default(3),
  templateRetryBackoffSeconds: z.number().int().min(0).max(3600).default(30),
  templatePollSeconds: z.number().int().min(1).max(300).default(5),
  templateDownloadTimeoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(180),
  /** a download no secondary storage VM has started by then fails the run (no new registration: it would wait too) */
  templateDownloadStartMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /** secondary storage downloads at once, over all runs */
  maxConcurrentTemplateDownloads: z.number().int().min(1).max(100).default(4),
  /** global rsync --bwlimit in KiB/s (null: none); a batch or host limit can be lower */
  rsyncBandwidthLimitKbps: z.number().int().positive().nullable().default(null),
  /** preflight: traffic to source hosts must leave over this interface / next hop */
  expectedRouteInterface: z.string().trim().min(1).nullable().default(null),
  expectedNextHop: z.string().trim().min(1).nullable().default(null),
  deployTimeoutSeconds: z.number().int().min(30).max(7200).default(900),
  verifyTimeoutSeconds: z.number().int().min(10).max(3600).default(300),
  /** a cutover starts only if its estimate plus this margin fits the window */
  cutoverMarginMinutes: z.number().int().min(0).max(240).default(10),
  /** the boot ISO that makes grub-legacy guests bootable, and how long to wait for its call back */
  legacyBootIsoId: z.string().trim().min(1).nullable().default(null),
  legacyCallbackTimeoutMinutes: z.number().int().min(1).max(240).default(30),
});
export type PipelineSettings = z.infer<typeof pipelineSettingsSchema>;

/**
 * A change to some of the pipeline settings: the same checks without the
 * defaults (partial() would fill every missing field with its default, and
 * saving would then reset what the change did not name).
 */
export const pipelineSettingsPatchSchema = z
  .object(
    Object.fromEntries(Object.entries(pipelineSettingsSchema.shape).map(([k, f]) => [k, f.unwrap().optional()])) as {
      [K in keyof typeof pipelineSettingsSchema.shape]: z.ZodOptional<
        ReturnType<(typeof pipelineSettingsSchema.shape)[K]['unwrap']>
      >;
    },
  )
  .strict();
