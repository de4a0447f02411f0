import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { canonicalQuery, computeSignature, formatExpires, javaUrlEncode, signedQuery, stringToSign } from './signing';

// Expected signatures come from openssl over strings written out by hand here,
// never from the code under test.
function opensslHmacSha1Base64(secret: string, input: string): string {
  const mac = execFileSync('openssl', ['dgst', '-sha1', '-hmac', secret, '-binary'], {
    input: Buffer.from(input, 'utf8'),
  });
  return mac.toString('base64');
}

// apache/cloudstack-documentation source/developersguide/dev.rst, "How to sign
// an API call with Python" (docs/platforms.md, "Requests and signing").
const PUBLISHED = {
  apikey: 'plgWJfZK4gyS3mOMTVmjUVg-X-jlWlnfaUJ9GAbBbf9EdM-kAYMmAiLqzzq1ElZLYq_u38zCm0bewzGUdP66mg',
  secret: 'VDaACYb0LV9eNjTetIOElcVQkvJck_J_QljX_FcHRj87ZKiy0z0ty0ZsYBkoXkY9b7eq1EhwJaw7FF3akA3KBQ',
  stringToSign:
    'apikey=plgwjfzk4gys3momtvmjuvg-x-jlwlnfauj9gabbbf9edm-kaymmailqzzq1elzlyq_u38zcm0bewzgudp66mg&command=listusers&response=json',
  signature: 'TTpdDq/7j/J58XCRHomKoQXEQds=',
};

describe('request signing', () => {
  it('verifies the published CloudStack vector', () => {
    const params = { apikey: PUBLISHED.apikey, command: 'listUsers', response: 'json' };
    expect(stringToSign(params)).toBe(PUBLISHED.stringToSign);
    expect(computeSignature(params, PUBLISHED.secret)).toBe(PUBLISHED.signature);
    expect(signedQuery(params, PUBLISHED.secret)).toBe(
      `apikey=${PUBLISHED.apikey}&command=listUsers&response=json&signature=TTpdDq%2F7j%2FJ58XCRHomKoQXEQds%3D`,
    );
  });

  it("encodes like java.net.URLEncoder: space is %20, + is %2B, * stays, ! ' ( ) ~ are escaped", () => {
    expect(javaUrlEncode('a b')).toBe('a%20b');
    expect(javaUrlEncode('a+b')).toBe('a%2Bb');
    expect(javaUrlEncode('*.-_')).toBe('*.-_');
    expect(javaUrlEncode("!'()~")).toBe('%21%27%28%29%7E');
    expect(javaUrlEncode('/:?&=')).toBe('%2F%3A%3F%26%3D');
    expect(javaUrlEncode('ü€😀')).toBe('%C3%BC%E2%82%AC%F0%9F%98%80');
  });

  it('signs values with spaces, *, +, /, ~, quotes, unicode and flattened list parameters', () => {
    const params = {
      response: 'json',
      name: 'ct-101 ü€',
      command: 'registerTemplate',
      'iptonetworklist[0].networkid': 'abc',
      displaytext: "Bob's CentOS 7 *gold* (v1+2)/~x!",
      'iptonetworklist[0].ip': '10.20.0.5',
      apikey: 'KEY',
    };
    const byHand =
      'apikey=key&command=registertemplate' +
      '&displaytext=bob%27s%20centos%207%20*gold*%20%28v1%2b2%29%2f%7ex%21' +
      '&iptonetworklist[0].ip=10.20.0.5&iptonetworklist[0].networkid=abc' +
      '&name=ct-101%20%c3%bc%e2%82%ac&response=json';
    expect(stringToSign(params)).toBe(byHand);
    const secret = 'S3cr3t/with+odd=chars';
    expect(computeSignature(params, secret)).toBe(opensslHmacSha1Base64(secret, byHand));
  });

  it('signs signatureversion=3 and expires like any other parameter and never signs the signature', () => {
    const params = {
      apikey: 'K',
      command: 'listZones',
      expires: '2025-01-31T12:15:00+0000',
      response: 'json',
      signature: 'ignored',
      signatureversion: '3',
    };
    const byHand = 'apikey=k&command=listzones&expires=2025-01-31t12%3a15%3a00%2b0000&response=json&signatureversion=3';
    expect(stringToSign(params)).toBe(byHand);
    expect(computeSignature(params, 'sec')).toBe(opensslHmacSha1Base64('sec', byHand));
  });

  it('keeps the original case in the canonical query and lower-cases only what is signed', () => {
    const params = { apikey: 'AbC', command: 'listZones' };
    expect(canonicalQuery(params)).toBe('apikey=AbC&command=listZones');
    expect(stringToSign(params)).toBe('apikey=abc&command=listzones');
  });

  it('flattened map parameters keep their brackets in the signature and are escaped on the wire', () => {
    const params = {
      apikey: 'k',
      command: 'registerTemplate',
      'details[0].key': 'rootDiskController',
      'details[0].value': 'scsi',
    };
    const byHand = 'apikey=k&command=registertemplate&details[0].key=rootdiskcontroller&details[0].value=scsi';
    expect(stringToSign(params)).toBe(byHand);
    const sig = opensslHmacSha1Base64('x', byHand);
    expect(computeSignature(params, 'x')).toBe(sig);
    expect(signedQuery(params, 'x')).toContain('details%5B0%5D.key=rootDiskController');
  });

  it('formats expires as yyyy-MM-ddTHH:mm:ss+0000 in UTC', () => {
    expect(formatExpires(new Date(Date.UTC(2025, 0, 31, 12, 15, 0)))).toBe('2025-01-31T12:15:00+0000');
    expect(formatExpires(new Date(Date.UTC(2026, 10, 4, 3, 5, 9, 999)))).toBe('2026-11-04T03:05:09+0000');
  });
});
