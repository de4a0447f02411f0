import { describe, expect, it } from 'vitest';
import { CloudStackError, CloudStackTransportError } from './errors';
import { createTransport, type FetchLike, isIdempotentRead } from './transport';

// A stand-in for the network (not for our code): scripted answers per request.
function scriptedFetch(script: Array<(url: string) => { status: number; body: string } | Error>) {
  const calls: { url: string; method: string; body?: string }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, method: init.method, body: init.body });
    const step = script[Math.min(calls.length - 1, script.length - 1)]!;
    const answer = step(url);
    if (answer instanceof Error) throw answer;
    return { status: answer.status, text: async () => answer.body };
  };
  return { fetch, calls };
}

const refused = () =>
  Object.assign(new TypeError('fetch failed'), {
    cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' },
  });
const zones = () => ({ status: 200, body: '{"listzonesresponse":{"count":1,"zone":[{"id":"z1","name":"zone1"}]}}' });
const base = { endpoint: 'http://cs.test:8080/client/api', apiKey: 'key', secretKey: 'secret', retryBaseDelayMs: 1 };

describe('transport', () => {
  it('knows which commands are safe to repeat', () => {
    expect(isIdempotentRead('listZones')).toBe(true);
    expect(isIdempotentRead('queryAsyncJobResult')).toBe(true);
    expect(isIdempotentRead('deployVirtualMachine')).toBe(false);
    expect(isIdempotentRead('getUploadParamsForTemplate')).toBe(false);
    expect(isIdempotentRead('listener')).toBe(false);
  });

  it('retries a read after connection errors and returns the answer', async () => {
    const { fetch, calls } = scriptedFetch([refused, refused, zones]);
    const t = createTransport({ ...base, fetch });
    await expect(t.call('listZones')).resolves.toMatchObject({ count: 1 });
    expect(calls).toHaveLength(3);
  });

  it('gives up on a read after the configured attempts', async () => {
    const { fetch, calls } = scriptedFetch([refused]);
    const t = createTransport({ ...base, fetch, readAttempts: 3 });
    const err = await t.call('listZones').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudStackTransportError);
    expect((err as CloudStackTransportError).outcomeUnknown).toBe(false);
    expect((err as Error).message).toBe(
      'CloudStack listZones: connection failed (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1) after 3 attempts',
    );
    expect(calls).toHaveLength(3);
  });

  it('retries a read that timed out, and names the time-out', async () => {
    const timedOut = () =>
      Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    const ok = scriptedFetch([timedOut, zones]);
    await expect(createTransport({ ...base, fetch: ok.fetch }).call('listZones')).resolves.toMatchObject({ count: 1 });
    expect(ok.calls).toHaveLength(2);
    const write = scriptedFetch([timedOut]);
    await expect(
      createTransport({ ...base, fetch: write.fetch, timeoutMs: 1234 }).call('startVirtualMachine', { id: 'x' }),
    ).rejects.toThrow(
      'CloudStack startVirtualMachine: no answer within 1234 ms; the command may have been applied, check before repeating it',
    );
    expect(write.calls).toHaveLength(1);
  });

  it('never repeats a write, and says its outcome is unknown', async () => {
    const { fetch, calls } = scriptedFetch([refused, zones]);
    const t = createTransport({ ...base, fetch });
    const err = await t.call('deployVirtualMachine', { zoneid: 'z' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudStackTransportError);
    expect((err as CloudStackTransportError).outcomeUnknown).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('does not retry an error answer from CloudStack and keeps its codes', async () => {
    const body =
      '{"listzonesresponse":{"uuidList":[],"errorcode":401,"errortext":"unable to verify user credentials and/or request signature"}}';
    const { fetch, calls } = scriptedFetch([() => ({ status: 401, body })]);
    const err = (await createTransport({ ...base, fetch })
      .call('listZones')
      .catch((e: unknown) => e)) as CloudStackError;
    expect(err).toBeInstanceOf(CloudStackError);
    expect(err).not.toBeInstanceOf(CloudStackTransportError);
    expect(err).toMatchObject({
      httpStatus: 401,
      errorcode: 401,
      cserrorcode: null,
      command: 'listZones',
      isUnauthorized: true,
    });
    expect(calls).toHaveLength(1);
  });

  it("retries a read that CloudStack answered with its own 530, not a write; the last answer's codes stay", async () => {
    // ApiServer.handleRequest: an unexpected exception is a ServerApiException(INTERNAL_ERROR): 530, cserrorcode 9999
    const internal = (command: string) => () => ({
      status: 530,
      body: `{"${command}response":{"uuidList":[],"errorcode":530,"cserrorcode":9999,"errortext":"Internal error executing command, please contact your system administrator"}}`,
    });
    const read = scriptedFetch([internal('listzones'), zones]);
    await expect(createTransport({ ...base, fetch: read.fetch }).call('listZones')).resolves.toMatchObject({
      count: 1,
    });
    expect(read.calls).toHaveLength(2);
    const always = scriptedFetch([internal('listzones')]);
    const err = await createTransport({ ...base, fetch: always.fetch, readAttempts: 3 })
      .call('listZones')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudStackError);
    expect(err).not.toBeInstanceOf(CloudStackTransportError);
    expect(err).toMatchObject({ errorcode: 530, cserrorcode: 9999 });
    expect(always.calls).toHaveLength(3);
    const write = scriptedFetch([internal('deployvirtualmachine'), zones]);
    await expect(createTransport({ ...base, fetch: write.fetch }).call('deployVirtualMachine')).rejects.toMatchObject({
      errorcode: 530,
    });
    expect(write.calls).toHaveLength(1);
  });

  it('retries a read answered by a proxy error page, not a write', async () => {
    const proxy = () => ({ status: 502, body: '<html>Bad Gateway</html>' });
    const read = scriptedFetch([proxy, zones]);
    await expect(createTransport({ ...base, fetch: read.fetch }).call('listZones')).resolves.toMatchObject({
      count: 1,
    });
    const write = scriptedFetch([proxy, zones]);
    await expect(createTransport({ ...base, fetch: write.fetch }).call('registerTemplate')).rejects.toThrow(
      'HTTP 502 with a body that is not JSON (<html>Bad Gateway</html>)',
    );
    expect(write.calls).toHaveLength(1);
  });

  it('signs with signatureversion=3 and never puts the secret on the wire or in errors', async () => {
    const { fetch, calls } = scriptedFetch([refused]);
    const t = createTransport({
      ...base,
      fetch,
      readAttempts: 1,
      now: () => new Date(Date.UTC(2025, 0, 31, 12, 10, 0)),
    });
    const err = (await t.call('listZones').catch((e: unknown) => e)) as Error;
    const url = new URL(calls[0]!.url);
    expect(url.searchParams.get('signatureversion')).toBe('3');
    expect(url.searchParams.get('expires')).toBe('2025-01-31T12:15:00+0000');
    expect(url.searchParams.get('response')).toBe('json');
    expect(url.searchParams.get('signature')).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(calls[0]!.url).not.toContain('secret');
    expect(err.message).not.toContain('secret');
    expect(err.message).not.toContain('signature=');
  });

  it('switches to a form POST for long parameter lists', async () => {
    const { fetch, calls } = scriptedFetch([zones]);
    await createTransport({ ...base, fetch, maxGetQueryLength: 100 }).call('listZones', { keyword: 'x'.repeat(200) });
    expect(calls[0]).toMatchObject({ method: 'POST', url: 'http://cs.test:8080/client/api' });
    expect(new URLSearchParams(calls[0]!.body).get('keyword')).toBe('x'.repeat(200));
  });
});
