// `vzlist -a -j` output -> validated containers.
//
// Shapes follow kolyshkin/vzctl src/vzlist.c: print_one_ve_json prints every
// field of field_names[] whose index is 0, in table order; strings go through
// print_json_str ("..." or null), lists through print_json_list (always an
// array, [] when unset), UBCs through print_ubc ({held, maxheld, barrier,
// limit, failcnt} as %lu, held/maxheld/failcnt forced to 0 unless running,
// or null), quotas through print_dq ({usage, softlimit, hardlimit} in 1 KiB
// blocks for diskspace, inodes for diskinodes, or null).
//
// Two quirks: counters are unsigned long and "unlimited" is LONG_MAX
// (9223372036854775807), which JSON.parse rounds, so numbers are parsed
// losslessly (integers beyond 2^53 become bigint) and LONG_MAX becomes
// 'unlimited'. And print_json_str does not escape: a hostname or description
// holding a double quote or backslash makes vzlist print invalid JSON, which
// is refused here with the position rather than guessed at.
import { parse as parseLossless } from 'lossless-json';
import { z } from 'zod';
import { ctidSchema } from '@vzferry/core';
import { describeIssues, OpenVzParseError } from './parse-error';

/** LONG_MAX: how vzctl prints an unlimited barrier or limit */
export const VZ_UNLIMITED = 9223372036854775807n;

export const UNLIMITED = 'unlimited' as const;
export type Limit = bigint | typeof UNLIMITED;

const ulong = z
  .union([z.number().int().nonnegative(), z.bigint().nonnegative()])
  .transform((v) => BigInt(v))
  .refine((v) => v <= 18446744073709551615n, 'exceeds unsigned long');

const limit = ulong.transform((v): Limit => (v === VZ_UNLIMITED ? UNLIMITED : v));

/** a %lu that must fit a JavaScript number (cpulimit, cpuunits, bootorder) */
const smallUlong = ulong.refine((v) => v <= BigInt(Number.MAX_SAFE_INTEGER), 'too large').transform(Number);

const ubcSchema = z.object({ held: ulong, maxheld: ulong, barrier: limit, limit, failcnt: ulong });
const quotaSchema = z.object({ usage: ulong, softlimit: limit, hardlimit: limit });

export const VZ_STATUSES = ['running', 'stopped', 'mounted', 'suspended'] as const;
export const vzStatusSchema = z.enum(VZ_STATUSES);
export type VzStatus = z.infer<typeof vzStatusSchema>;

const str = z.string().nullable();
const strList = z.array(z.string());
const flags = z.record(z.string(), z.boolean()).nullable();

// include/vzlist.h struct Cubc: the beancounters vzlist prints, in order
export const UBC_NAMES = [
  'kmemsize',
  'lockedpages',
  'privvmpages',
  'shmpages',
  'numproc',
  'physpages',
  'vmguarpages',
  'oomguarpages',
  'numtcpsock',
  'numflock',
  'numpty',
  'numsiginfo',
  'tcpsndbuf',
  'tcprcvbuf',
  'othersockbuf',
  'dgramrcvbuf',
  'numothersock',
  'dcachesize',
  'numfile',
  'numiptent',
  'swappages',
] as const;

const ubcFields = Object.fromEntries(UBC_NAMES.map((n) => [n, ubcSchema.nullable().optional()])) as {
  [K in (typeof UBC_NAMES)[number]]: z.ZodOptional<z.ZodNullable<typeof ubcSchema>>;
};

// The fields the inventory needs are required (an older or different tool
// that lacks them is refused); the rest are checked when present.
export const vzlistContainerSchema = z.object({
  ctid: ctidSchema,
  veid: ctidSchema.optional(),
  vpsid: ctidSchema.optional(),
  private: str,
  root: str,
  mount_opts: str.optional(),
  origin_sample: str.optional(),
  hostname: str,
  name: str,
  // print_smart_name: the name when set, else the ctid as a number
  smart_name: z.union([z.string(), z.number()]).optional(),
  description: str,
  ostemplate: str,
  ip: strList,
  nameserver: strList,
  searchdomain: strList,
  status: vzStatusSchema,
  ...ubcFields,
  physpages: ubcSchema.nullable(),
  swappages: ubcSchema.nullable(),
  diskspace: quotaSchema.nullable(),
  diskinodes: quotaSchema.nullable(),
  laverage: z.tuple([z.number(), z.number(), z.number()]).nullable().optional(),
  // print_uptime prints 0.000 when there is no cpustat
  uptime: z.number().nonnegative().optional(),
  cpulimit: smallUlong.nullable(),
  cpuunits: smallUlong.nullable(),
  // print_cpunum prints 0 for unset (-1)
  cpus: z.number().int().nonnegative(),
  ioprio: z.number().int().optional(),
  iolimit: z.number().int().optional(),
  iopslimit: z.number().int().optional(),
  onboot: z.boolean().nullable(),
  bootorder: smallUlong.nullable().optional(),
  // layout2str prints "???" for an unknown layout
  layout: z.enum(['simfs', 'ploop', '???']),
  features: flags.optional(),
  vswap: z.boolean().optional(),
  disabled: z.boolean().optional(),
  vm_overcommit: z.number().optional(),
  netfilter: str.optional(),
  capability: flags.optional(),
});

export type VzlistContainer = z.infer<typeof vzlistContainerSchema>;

const SOURCE = 'vzlist -a -j output';

/** Parses the whole output or throws OpenVzParseError; never a partial list. */
export function parseVzlistJson(text: string): VzlistContainer[] {
  if (text.trim() === '')
    throw new OpenVzParseError(SOURCE, 'it is empty (vzlist prints [] when there are no containers)');
  let raw: unknown;
  try {
    raw = parseLossless(text, null, parseNumberLosslessly);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new OpenVzParseError(
      SOURCE,
      `not valid JSON (${why}); vzlist does not escape quotes or backslashes in hostnames and descriptions, look for one there`,
    );
  }
  if (!Array.isArray(raw))
    throw new OpenVzParseError(SOURCE, `expected a JSON array of containers, got ${describeType(raw)}`);
  const parsed = z.array(vzlistContainerSchema).safeParse(raw);
  if (!parsed.success)
    throw new OpenVzParseError(
      SOURCE,
      describeIssues(parsed.error.issues.map((i) => ({ ...i, path: withCtid(raw, i.path) }))),
    );
  assertUniqueCtids(parsed.data);
  return parsed.data;
}

function parseNumberLosslessly(value: string): number | bigint {
  if (/^-?\d+$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : BigInt(value);
  }
  return Number(value);
}

function assertUniqueCtids(list: readonly VzlistContainer[]): void {
  const seen = new Set<number>();
  for (const ct of list) {
    if (seen.has(ct.ctid)) throw new OpenVzParseError(SOURCE, `container ${ct.ctid} is listed twice`);
    seen.add(ct.ctid);
  }
}

/** "[3].status" reads better as "[3] (CT 104).status" */
function withCtid(raw: unknown[], path: readonly PropertyKey[]): PropertyKey[] {
  const [index, ...rest] = path;
  if (typeof index !== 'number') return [...path];
  const item = raw[index] as { ctid?: unknown } | undefined;
  const ctid = item && typeof item === 'object' && typeof item.ctid === 'number' ? ` (CT ${item.ctid})` : '';
  return [`[${index}]${ctid}`, ...rest];
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}
