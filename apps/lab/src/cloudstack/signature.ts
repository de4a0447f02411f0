// The management server's check of a signed request, written independently
// of packages/cloudstack (a signing bug there must not cancel out here):
// apache/cloudstack server/src/main/java/com/cloud/api/ApiServer.java,
// verifyRequest. Every failure is the same 401 to the caller; `reason` is
// only for the lab's own log.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LabUser } from './state';
import { parseExpires } from './time';

/** java.net.URLEncoder.encode(v, "UTF-8").replaceAll("\\+", "%20"), built on encodeURIComponent. */
export function urlEncoderEncode(value: string): string {
  // URLEncoder replaces unpaired surrogates by '?' (the charset encoder's replacement)
  const wellFormed = value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '?');
  // encodeURIComponent keeps ! ' ( ) ~, which URLEncoder escapes
  return encodeURIComponent(wellFormed).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export type VerifyResult = { ok: true; user: LabUser } | { ok: false; reason: string };

export function verifyRequest(
  params: ReadonlyMap<string, string>,
  users: readonly LabUser[],
  knownCommand: (name: string) => boolean,
  now: Date,
): VerifyResult {
  const command = params.get('command');
  if (command === undefined) return { ok: false, reason: 'missing command' };
  if (!knownCommand(command))
    return { ok: false, reason: `the given command ${command} either does not exist, is not available for user` };

  let signature: string | undefined;
  let apiKey: string | undefined;
  let signatureVersion: string | undefined;
  let expires: string | undefined;
  const pieces: string[] = [];
  // Collections.sort(parameterNames): String.compareTo, UTF-16 code units, as Array.prototype.sort
  for (const name of [...params.keys()].sort()) {
    const value = params.get(name) ?? '';
    const lower = name.toLowerCase();
    if (lower === 'signature') {
      signature = value;
      continue;
    }
    if (lower === 'apikey') apiKey = value;
    else if (lower === 'signatureversion') signatureVersion = value;
    else if (lower === 'expires') expires = value;
    pieces.push(`${name}=${urlEncoderEncode(value)}`);
  }
  if (signature === undefined || apiKey === undefined) return { ok: false, reason: 'missing signature or apiKey' };

  if (signatureVersion === '3') {
    if (expires === undefined) return { ok: false, reason: 'missing expires' };
    const expiresAt = parseExpires(expires);
    if (!expiresAt) return { ok: false, reason: `incorrect date format for expires: ${expires}` };
    if (expiresAt.getTime() < now.getTime()) return { ok: false, reason: 'request expired' };
  }

  const user = users.find((u) => u.apiKey === apiKey);
  if (!user) return { ok: false, reason: 'apiKey does not map to a valid user' };
  if (!user.enabled) return { ok: false, reason: 'disabled user' };

  const computed = createHmac('sha1', Buffer.from(user.secretKey, 'utf8'))
    .update(Buffer.from(pieces.join('&').toLowerCase(), 'utf8'))
    .digest('base64');
  const a = Buffer.from(signature);
  const b = Buffer.from(computed);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'signature mismatch' };
  return { ok: true, user };
}
