// Instance settings an engineer edits on the Settings page. The CloudStack
// secret key is not part of these schemas on purpose: it is stored sealed
// and never sent back (packages/db settings).
import { z } from 'zod';
import { ipToBigInt } from './cidr';
import { safeText } from './safe-text';

/** The connection's fields (schemas that add to them spread these and apply plainHttpRule). */
export const cloudStackSettingsFields = {
  endpoint: z
    .string()
    .url('the API endpoint must be a URL, e.g. https://cloudstack.example.net/client/api')
    // z.url() takes any scheme: file:, javascript: and ftp: are no API endpoint
    .refine((s) => !URL.canParse(s) || isHttpUrl(s), 'the API endpoint must be an http or https URL'),
  apiKey: safeText().trim().min(1, 'the API key is required').max(512),
  zoneId: safeText().trim().min(1, 'choose the zone the VMs go to').max(64),
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
  // the parsed scheme: "HTTP://" is plain HTTP too
  (s) => s.allowPlainHttp || !URL.canParse(s.endpoint) || new URL(s.endpoint).protocol !== 'http:',
  {
    path: ['endpoint'],
    message: 'the endpoint is plain HTTP: use https, or allow plain HTTP explicitly (the API key travels readable)',
  },
];

function isHttpUrl(s: string): boolean {
  const { protocol } = new URL(s);
  return protocol === 'http:' || protocol === 'https:';
}

export const cloudStackSettingsSchema = z.object(cloudStackSettingsFields).refine(...plainHttpRule);
export type CloudStackSettings = z.infer<typeof cloudStackSettingsSchema>;

/**
 * A Linux network interface name, as the kernel takes one (dev_valid_name in
 * net/core/dev.c): at most 15 bytes (IFNAMSIZ 16 with its NUL), no '/', ':'
 * or white space, not "." or "..". Narrower here: letters, digits, dot, dash
 * and underscore, and no leading dash, so it is never read as an option.
 */
export const interfaceNameSchema = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,14}$/,
    'an interface name is 1-15 letters, digits, dots, dashes or underscores, not starting with a dash (e.g. eth1)',
  )
  .refine((s) => s !== '.' && s !== '..', 'an interface name cannot be "." or ".."');

/** An IPv4 or IPv6 address, as `ip route get` prints the next hop. */
export const ipAddressSchema = z
  .string()
  .trim()
  .max(45)
  .refine((s) => isIpAddress(s), 'an IPv4 or IPv6 address, e.g. 10.0.0.1');

/** A CloudStack object's id (a UUID in CloudStack 4.x); letters, digits, dashes and underscores. */
export const cloudStackIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a CloudStack id: 1-64 letters, digits, dashes or underscores');

function isIpAddress(s: string): boolean {
  try {
    ipToBigInt(s);
    return true;
  } catch {
    return false;
  }
}

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
  rsyncBandwidthLimitKbps: z.number().int().positive().max(100_000_000).nullable().default(null),
  /** preflight: traffic to source hosts must leave over this interface / next hop */
  expectedRouteInterface: interfaceNameSchema.nullable().default(null),
  expectedNextHop: ipAddressSchema.nullable().default(null),
  deployTimeoutSeconds: z.number().int().min(30).max(7200).default(900),
  verifyTimeoutSeconds: z.number().int().min(10).max(3600).default(300),
  /**
   * This zone's cutover: staged (the VM is deployed stopped before the
   * window; only the changes travel in the downtime) or classic (the image
   * travels in the downtime). A run that cannot be staged goes classic.
   */
  cutoverMode: z.enum(['staged', 'classic']).default('classic'),
  /** a cutover starts only if its estimate plus this margin fits the window */
  cutoverMarginMinutes: z.number().int().min(0).max(240).default(10),
  /** while a run waits for its downtime window, a catch-up sync this often (0: none) */
  catchUpSyncIntervalMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),
  /** the boot ISO that makes grub-legacy guests bootable, and how long to wait for its call back */
  legacyBootIsoId: cloudStackIdSchema.nullable().default(null),
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
