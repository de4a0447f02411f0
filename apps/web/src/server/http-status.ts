// The one place that turns an error code into an HTTP status. The catalogue
// (packages/core error-codes.ts) gives every code a kind; the kind decides
// the status, so a new code needs no entry here. `satisfies` makes the table
// exhaustive: a new kind does not compile until it has a status.
import { ERROR_CODES, type ErrorCode, type ErrorKind } from '@vzferry/core';

export const STATUS_BY_KIND = {
  invalid: 400,
  rejected: 422,
  unsupported: 415,
  unauthenticated: 401,
  forbidden: 403,
  rate_limited: 429,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unavailable: 503,
  failed: 502,
  internal: 500,
} as const satisfies Record<ErrorKind, number>;

// Only where the kind's status would tell a client the wrong thing.
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  // something we waited on ran out of time: a gateway time-out, not a bad gateway
  command_timeout: 504,
};

export function httpStatus(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? STATUS_BY_KIND[ERROR_CODES[code].kind];
}
