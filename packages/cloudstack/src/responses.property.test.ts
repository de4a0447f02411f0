// Properties of how CloudStack answers are read: the envelope and error
// parsing of the transport (transport.ts unwrap) and the zod schemas of the
// answers (schemas/). Whatever a server or a proxy in front of it sends, the
// client throws a CloudStackError (or a subclass) and nothing else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAnswer } from './commands/context';
import { CloudStackError, CloudStackResponseError } from './errors';
import { asyncJobSchema } from './schemas/async-job';
import { asyncSubmitSchema, idish, listOf, numberish } from './schemas/common';
import { templateSchema } from './schemas/template';
import { virtualMachineSchema } from './schemas/virtual-machine';
import { createTransport, type FetchLike } from './transport';

const PIECES = ['\u0000', '\ufeff', 'é', '"', '{', '}', '[', ']', ':', ',', 'null', '<html>', '../', '$(id)'];
const hostile = (maxLength: number) =>
  fc
    .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4, unit: 'binary' })), { maxLength })
    .map((a) => a.join(''));

// ExceptionResponse fields as a server, a newer one or a broken one may send them
const errorFields = fc.record(
  { errorcode: fc.oneof(fc.integer(), fc.string()), cserrorcode: fc.jsonValue(), errortext: fc.jsonValue() },
  { requiredKeys: [] },
);
const envelope = fc
  .tuple(fc.constantFrom('listzonesresponse', 'errorresponse', 'otherresponse'), fc.oneof(errorFields, fc.jsonValue()))
  .map(([key, inner]) => JSON.stringify({ [key]: inner }));
const status = fc.oneof(fc.constantFrom(200, 401, 431, 530, 302, 503), fc.integer({ min: 100, max: 599 }));

function answering(s: number, body: string): FetchLike {
  // a stand-in for the network: one scripted answer
  return async () => ({ status: s, text: async () => body });
}

describe('CloudStack answers, properties', () => {
  it('the transport resolves to an object or throws a CloudStackError, whatever the body and status', async () => {
    await fc.assert(
      fc.asyncProperty(
        status,
        fc.oneof(
          hostile(20),
          envelope,
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (s, body) => {
          const t = createTransport({
            endpoint: 'http://cs.test:8080/client/api',
            apiKey: 'key',
            secretKey: 'secret',
            readAttempts: 1,
            fetch: answering(s, body),
          });
          try {
            const value = await t.call('listZones');
            expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
          } catch (err) {
            expect(err).toBeInstanceOf(CloudStackError);
            expect(typeof (err as CloudStackError).errortext).toBe('string');
            // long bodies are cut in the message
            expect((err as Error).message.length).toBeLessThan(400);
          }
        },
      ),
      { numRuns: 200, examples: [[200, '{"listzonesresponse":[]}']] },
    );
  });

  it('a 1 MB body is cut in the error message', async () => {
    const t = createTransport({
      endpoint: 'http://cs.test:8080/client/api',
      apiKey: 'key',
      secretKey: 'secret',
      readAttempts: 1,
      fetch: answering(502, 'x'.repeat(1024 * 1024)),
    });
    const err = (await t.call('listZones').catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(CloudStackError);
    expect(err.message.length).toBeLessThan(400);
  });

  it('the answer schemas give valid values or a CloudStackResponseError, on any JSON', () => {
    const schemas = [
      ['listVirtualMachines', listOf('virtualmachine', virtualMachineSchema)],
      ['listTemplates', listOf('template', templateSchema)],
      ['queryAsyncJobResult', asyncJobSchema],
      ['deployVirtualMachine', asyncSubmitSchema],
    ] as const;
    // objects shaped like answers, with hostile values where the fields go
    const field = fc.oneof(
      fc.jsonValue({ maxDepth: 1 }),
      hostile(6),
      fc.bigInt({ min: 0n, max: 10n ** 400n }).map(String),
    );
    const answer = fc.dictionary(
      fc.constantFrom(
        'count',
        'virtualmachine',
        'template',
        'jobid',
        'jobstatus',
        'id',
        'name',
        'state',
        'memory',
        'nic',
      ),
      fc.oneof(
        field,
        fc.array(
          fc.dictionary(fc.constantFrom('id', 'name', 'state', 'memory', 'cpunumber', 'networkid', 'size'), field),
        ),
      ),
    );
    fc.assert(
      fc.property(fc.constantFrom(...schemas), fc.oneof(answer, fc.jsonValue()), ([command, schema], value) => {
        try {
          const out = parseAnswer(command, schema as never, value) as unknown;
          expect(out).toBeDefined();
          for (const n of numbersIn(out)) expect(Number.isFinite(n)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(CloudStackResponseError);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('numberish gives finite numbers and idish non-empty strings, or refuses', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 0 }),
          fc.bigInt({ min: -(10n ** 400n), max: 10n ** 400n }).map(String),
          hostile(5),
        ),
        (v) => {
          const n = numberish.safeParse(v);
          if (n.success) expect(Number.isFinite(n.data)).toBe(true);
          const id = idish.safeParse(v);
          if (id.success) expect(id.data.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200, examples: [[`1${'0'.repeat(309)}`]] },
    );
  });
});

function numbersIn(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.flatMap(numbersIn);
  if (v && typeof v === 'object') return Object.values(v).flatMap(numbersIn);
  return [];
}
