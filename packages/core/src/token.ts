// One-time tokens (the boot ISO's call back): only their SHA-256 is stored,
// so a copy of the database cannot be used to call back.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

export function tokenSha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Compares two hex digests in constant time; false for empty or malformed ones. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
