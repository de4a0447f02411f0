// Numbers with size suffixes as vzctl reads them from a container config:
// kolyshkin/vzctl src/lib/config.c parse_ul_sfx / parse_twoul_sfx / get_mul.
//
// - "<n>[suffix]" where n may be fractional ("2.2G"); the suffix K/M/G/T
//   (either case) multiplies by 1024^k, P by the page size, B by 1; the
//   result is divided by the unit of the parameter (1024 for DISKSPACE in
//   KiB blocks, 4096 for PHYSPAGES/SWAPPAGES in pages) and truncated.
// - a parameter without a unit (DISKINODES, NUMPROC) takes no suffix.
// - "unlimited" is LONG_MAX; anything that overflows LONG_MAX is truncated
//   to LONG_MAX (vzctl warns "too large value ..., truncated").
// - "a:b" is barrier:limit (soft:hard); a single value sets both.
import { VZ_UNLIMITED, UNLIMITED, type Limit } from './vzlist-json';

/** _page_size of the x86_64 kernels OpenVZ runs on */
export const PAGE_SIZE = 4096;

const MULTIPLIERS: Record<string, number> = { t: 1024 ** 4, g: 1024 ** 3, m: 1024 ** 2, k: 1024, p: PAGE_SIZE, b: 1 };

export interface LimitPair {
  /** barrier (UBC) or softlimit (quota) */
  soft: Limit;
  /** limit (UBC) or hardlimit (quota) */
  hard: Limit;
}

/**
 * Parses "soft[:hard]" in units of `unitBytes` (0: the parameter takes no
 * suffix). Throws an Error saying what is wrong.
 */
export function parseLimitPair(value: string, unitBytes: number, opts: { allowUnlimited?: boolean } = {}): LimitPair {
  const parts = value.split(':');
  if (parts.length > 2) throw new Error(`"${value}" has more than one ":" (expected soft:hard)`);
  const soft = parseScaled(parts[0]!, unitBytes, opts.allowUnlimited ?? true);
  const hard = parts.length === 2 ? parseScaled(parts[1]!, unitBytes, opts.allowUnlimited ?? true) : soft;
  return { soft, hard };
}

const NUMBER = /^([0-9]+(?:\.[0-9]*)?)([A-Za-z]?)$/;

function parseScaled(text: string, unitBytes: number, allowUnlimited: boolean): Limit {
  if (allowUnlimited && text === 'unlimited') return UNLIMITED;
  const m = NUMBER.exec(text);
  if (!m) throw new Error(`"${text}" is not a number with an optional K/M/G/T/P/B suffix`);
  const [, digits, suffix] = m as unknown as [string, string, string];
  if (suffix === '') return clamp(BigInt(digits.split('.')[0]!));
  if (unitBytes === 0) throw new Error(`"${text}" has a size suffix, which this parameter does not take`);
  const mul = MULTIPLIERS[suffix.toLowerCase()];
  if (mul === undefined) throw new Error(`"${text}" has an unknown suffix "${suffix}" (K, M, G, T, P or B)`);
  return clamp(scale(digits, mul, unitBytes));
}

/** digits * mul / unit, truncated, without losing precision on integers */
function scale(digits: string, mul: number, unit: number): bigint {
  const [whole, frac = ''] = digits.split('.');
  // exact arithmetic: (whole.frac * mul) / unit = (whole frac as integer) * mul / (10^len * unit)
  const numerator = BigInt(whole! + frac) * BigInt(mul);
  const denominator = 10n ** BigInt(frac.length) * BigInt(unit);
  return numerator / denominator;
}

function clamp(v: bigint): Limit {
  return v >= VZ_UNLIMITED ? UNLIMITED : v;
}

/** A limit in `unitBytes` units as whole MiB (null when unlimited). */
export function limitToMib(limit: Limit, unitBytes: number): number | null {
  if (limit === UNLIMITED) return null;
  return Number((limit * BigInt(unitBytes)) / (1024n * 1024n));
}
