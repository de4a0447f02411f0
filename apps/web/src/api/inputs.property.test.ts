// Properties of the main API input schemas (batch creation, search, the
// settings of packages/core): on any JSON a client can send, safeParse
// answers (it never throws) and what it accepts holds the invariants the
// routes rely on.
import {
  cloudStackSettingsSchema,
  interfaceNameSchema,
  ipAddressSchema,
  cloudStackIdSchema,
  pipelineSettingsPatchSchema,
} from '@vzferry/core/settings';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newBatchSchema } from './batches';
import { SEARCH_MAX_CHARS, searchQuerySchema } from './search';

const PIECES = [
  '\u0000',
  '\ufeff',
  'é',
  '😀',
  ' ',
  '\t',
  '\n',
  '../',
  '$(id)',
  ';',
  '`',
  '-',
  '/',
  ':',
  '.',
  'http:',
  'https://',
];
const hostile = (maxLength: number) =>
  fc
    .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4, unit: 'binary' })), { maxLength })
    .map((a) => a.join(''));
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostile(12));

describe('API input schemas, properties', () => {
  it('newBatchSchema: a batch it accepts has a clean name, bounded concurrency and valid ids', () => {
    const batch = fc.record(
      {
        name: anyValue,
        concurrency: fc.oneof(fc.integer({ min: -5, max: 600 }), fc.double(), anyValue),
        perHostConcurrency: fc.oneof(fc.integer({ min: -5, max: 600 }), anyValue),
        startAt: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          anyValue,
        ),
        containerIds: fc.oneof(fc.array(fc.uuid(), { maxLength: 3 }), anyValue),
        filter: fc.oneof(fc.dictionary(hostile(4), hostile(6), { maxKeys: 3 }), anyValue),
        hostId: anyValue,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(batch, anyValue), (input) => {
        const r = newBatchSchema.safeParse(input);
        if (!r.success) return;
        const b = r.data;
        expect(b.name).toBe(b.name.trim());
        expect(b.name.length >= 1 && b.name.length <= 100 && !b.name.includes('\u0000')).toBe(true);
        expect(Number.isInteger(b.concurrency) && b.concurrency >= 1 && b.concurrency <= 500).toBe(true);
        if (b.startAt) expect(Number.isNaN(b.startAt.getTime())).toBe(false);
        for (const id of b.containerIds ?? []) expect(id).toMatch(/^[0-9a-f-]{36}$/i);
        expect(Object.keys(b)).not.toContain('hostId');
      }),
      { numRuns: 200 },
    );
  });

  it('searchQuerySchema: takes a query exactly when it has no NUL and at most 200 characters', () => {
    fc.assert(
      fc.property(hostile(60), (q) => {
        const ok = !q.includes('\u0000') && q.length <= SEARCH_MAX_CHARS;
        expect(searchQuerySchema.safeParse({ q }).success).toBe(ok);
      }),
      { numRuns: 200 },
    );
    expect(searchQuerySchema.safeParse({ q: 'x'.repeat(1024 * 1024) }).success).toBe(false);
  });

  it('cloudStackSettingsSchema: a saved endpoint is an http(s) URL, plain http only when allowed', () => {
    const endpoint = fc.oneof(
      fc.webUrl(),
      hostile(10),
      fc.constantFrom(
        'file:///etc/passwd',
        'javascript:alert(1)',
        'ftp://cs.example/x',
        'http://cs.example:8080/client/api',
      ),
    );
    fc.assert(
      fc.property(endpoint, anyValue, fc.oneof(fc.boolean(), anyValue), (url, key, allowPlainHttp) => {
        const r = cloudStackSettingsSchema.safeParse({ endpoint: url, apiKey: key, zoneId: 'zone-1', allowPlainHttp });
        if (!r.success) return;
        const protocol = new URL(r.data.endpoint).protocol;
        expect(['http:', 'https:']).toContain(protocol);
        if (protocol === 'http:') expect(r.data.allowPlainHttp).toBe(true);
        expect(r.data.apiKey.length > 0 && !r.data.apiKey.includes('\u0000')).toBe(true);
      }),
      {
        numRuns: 200,
        examples: [
          ['file:///etc/passwd', 'key', false],
          ['HTTP://cs.example:8080/client/api', 'key', false],
        ],
      },
    );
  });

  it('interface names, next hops and CloudStack ids it accepts are safe on a command line', () => {
    fc.assert(
      fc.property(fc.oneof(hostile(10), fc.ipV4(), fc.ipV6(), fc.stringMatching(/^[a-z0-9-]{1,20}$/)), (s) => {
        const name = interfaceNameSchema.safeParse(s);
        if (name.success) expect(name.data).toMatch(/^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,14}$/);
        if (name.success) expect(['.', '..']).not.toContain(name.data);
        const hop = ipAddressSchema.safeParse(s);
        if (hop.success) expect(isIpLiteral(hop.data)).toBe(true);
        const id = cloudStackIdSchema.safeParse(s);
        if (id.success) expect(id.data).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      }),
      { numRuns: 200 },
    );
  });

  it('pipelineSettingsPatchSchema: refuses unknown fields and keeps only what was sent', () => {
    const patch = fc.dictionary(
      fc.oneof(fc.constantFrom('templateRetryAttempts', 'cutoverMarginMinutes', 'expectedNextHop'), hostile(4)),
      fc.oneof(fc.integer({ min: -10, max: 5000 }), anyValue),
      { maxKeys: 3 },
    );
    fc.assert(
      fc.property(patch, (input) => {
        const r = pipelineSettingsPatchSchema.safeParse(input);
        if (!r.success) return;
        expect(Object.keys(r.data).sort()).toEqual(Object.keys(input).sort());
        if (r.data.templateRetryAttempts !== undefined)
          expect(r.data.templateRetryAttempts >= 1 && r.data.templateRetryAttempts <= 10).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

/** Node's net is not for this folder (browser code): the URL parser knows IP literals too. */
function isIpLiteral(s: string): boolean {
  if (s.includes(':')) return URL.canParse(`http://[${s}]/`);
  return /^\d+\.\d+\.\d+\.\d+$/.test(s) && URL.canParse(`http://${s}/`) && new URL(`http://${s}/`).hostname === s;
}
