// Request signing exactly as the management server checks it
// (apache/cloudstack server/src/main/java/com/cloud/api/ApiServer.java,
// verifyRequest): every parameter except `signature`, sorted by name
// (Collections.sort, case-sensitive: we send every name in lower case), each
// value encoded with java.net.URLEncoder and "+" turned into "%20", joined
// with "&", the whole string lower-cased, HMAC-SHA1 with the secret key,
// base64.
import { createHmac } from 'node:crypto';

/** Bytes java.net.URLEncoder leaves alone: letters, digits and `.-*_`. */
function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2e ||
    byte === 0x2d ||
    byte === 0x2a ||
    byte === 0x5f
  );
}

/**
 * URLEncoder.encode(value, "UTF-8").replaceAll("\\+", "%20"): unlike
 * encodeURIComponent it escapes `! ' ( ) ~` and keeps `*`; a space is "%20"
 * and a literal "+" is "%2B".
 */
export function javaUrlEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    if (isUnreserved(byte)) out += String.fromCharCode(byte);
    else if (byte === 0x20) out += '%20';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export type SignableParams = Readonly<Record<string, string>>;

/** "name=encodedValue&..." sorted by name, before lower-casing. */
export function canonicalQuery(params: SignableParams): string {
  return Object.keys(params)
    .filter((name) => name.toLowerCase() !== 'signature')
    .sort()
    .map((name) => `${name}=${javaUrlEncode(params[name] ?? '')}`)
    .join('&');
}

/** The exact HMAC input: the canonical query, lower-cased. */
export function stringToSign(params: SignableParams): string {
  return canonicalQuery(params).toLowerCase();
}

/** base64(HMAC-SHA1(secretKey, stringToSign(params))), not URL-encoded. */
export function computeSignature(params: SignableParams, secretKey: string): string {
  return createHmac('sha1', Buffer.from(secretKey, 'utf8')).update(stringToSign(params), 'utf8').digest('base64');
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * `expires` for signatureversion=3: yyyy-MM-dd'T'HH:mm:ssZ with a numeric
 * zone, e.g. 2025-01-31T12:15:00+0000, the form dev.rst documents. Releases
 * whose DateUtil knows only its legacy pattern want a literal Z before the
 * offset (docs/platforms.md, "Requests and signing").
 */
export function formatExpires(date: Date): string {
  return (
    `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}` +
    `T${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}+0000`
  );
}

/**
 * The signed query string to send (GET URL query or POST form body): the
 * canonical query plus `signature`, both as the server decodes them.
 */
export function signedQuery(params: SignableParams, secretKey: string): string {
  const signature = computeSignature(params, secretKey);
  return `${canonicalQueryForWire(params)}&signature=${javaUrlEncode(signature)}`;
}

/** Like canonicalQuery, but names are percent-encoded too (`[0]` in list parameters). */
function canonicalQueryForWire(params: SignableParams): string {
  return Object.keys(params)
    .filter((name) => name.toLowerCase() !== 'signature')
    .sort()
    .map((name) => `${javaUrlEncode(name)}=${javaUrlEncode(params[name] ?? '')}`)
    .join('&');
}
