// One signed call to the CloudStack API and its answer, unwrapped from the
// `<command>response` envelope. Reads (list*, query*) are retried on
// connection errors, time-outs and 5xx answers (CloudStack's own 530 too);
// a write is sent once, never repeated.
import { RETRY_POLICIES, retryDelayMs, sleep, triesLeft, type RetryPolicy } from '@vzferry/core';
import { CloudStackError, CloudStackTransportError } from './errors';
import { type CommandParams, flattenParams } from './params';
import { formatExpires, signedQuery } from './signing';

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

export interface TransportOptions {
  /** e.g. http://cloudstack.example:8080/client/api */
  endpoint: string;
  apiKey: string;
  secretKey: string;
  /** per HTTP request; default 30 s */
  timeoutMs?: number;
  fetch?: FetchLike;
  /** lifetime of a signature (signatureversion=3); default 5 min, the server refuses over 15 when it enforces it */
  expiresInSeconds?: number;
  now?: () => Date;
  /** attempts for idempotent reads and the first back-off delay (default: RETRY_POLICIES.cloudstackRead) */
  readAttempts?: number;
  retryBaseDelayMs?: number;
  /** above this many characters of query the call is a form POST; default 2000 */
  maxGetQueryLength?: number;
}

export interface Transport {
  call(command: string, params?: CommandParams): Promise<Record<string, unknown>>;
}

/** Commands that change nothing, so repeating one after a lost answer is safe. */
export function isIdempotentRead(command: string): boolean {
  return /^(list|query)[A-Z]/.test(command);
}

export function createTransport(opts: TransportOptions): Transport {
  // CloudStack's API never redirects: following one would send the signed request (API key included) elsewhere
  const doFetch: FetchLike = opts.fetch ?? ((url, init) => fetch(url, { ...init, redirect: 'manual' }));
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const readPolicy: RetryPolicy = {
    ...RETRY_POLICIES.cloudstackRead,
    attempts: Math.max(1, opts.readAttempts ?? RETRY_POLICIES.cloudstackRead.attempts),
    firstDelayMs: opts.retryBaseDelayMs ?? RETRY_POLICIES.cloudstackRead.firstDelayMs,
  };
  const now = opts.now ?? (() => new Date());
  const endpoint = new URL(opts.endpoint).toString();

  function signed(command: string, params: CommandParams): string {
    const expires = new Date(now().getTime() + (opts.expiresInSeconds ?? 300) * 1000);
    const all = {
      ...flattenParams(params),
      command,
      apikey: opts.apiKey,
      response: 'json',
      signatureversion: '3',
      expires: formatExpires(expires),
    };
    return signedQuery(all, opts.secretKey);
  }

  async function once(command: string, params: CommandParams): Promise<{ status: number; body: string }> {
    const query = signed(command, params);
    const signal = AbortSignal.timeout(timeoutMs);
    const usePost = query.length > (opts.maxGetQueryLength ?? 2000);
    const res = usePost
      ? await doFetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: query,
          signal,
        })
      : await doFetch(`${endpoint}?${query}`, { method: 'GET', headers: { accept: 'application/json' }, signal });
    return { status: res.status, body: await res.text() };
  }

  type Attempt =
    { ok: true; value: Record<string, unknown> } | { ok: false; error: CloudStackError; retryable: boolean };

  async function attemptOnce(
    command: string,
    params: CommandParams,
    attempt: number,
    idempotent: boolean,
  ): Promise<Attempt> {
    let answer: { status: number; body: string };
    try {
      answer = await once(command, params);
    } catch (err) {
      const error = new CloudStackTransportError(command, describeNetworkError(err, timeoutMs), {
        outcomeUnknown: !idempotent,
        attempts: attempt,
        cause: err,
      });
      return { ok: false, error, retryable: true };
    }
    if (answer.status >= 300 && answer.status < 400) {
      const detail = `HTTP ${answer.status}: the endpoint redirects, which CloudStack's API does not; not followed`;
      const error = new CloudStackTransportError(command, detail, {
        httpStatus: answer.status,
        outcomeUnknown: false,
        attempts: attempt,
      });
      return { ok: false, error, retryable: false };
    }
    // an error answer from CloudStack itself is final, but for a read's 5xx (530: an exception inside the
    // management server, e.g. its database away for a moment): asking again changes nothing but the answer
    let unwrapped: Unwrapped;
    try {
      unwrapped = unwrap(command, answer.status, answer.body);
    } catch (err) {
      if (idempotent && err instanceof CloudStackError && (err.httpStatus ?? 0) >= 500)
        return { ok: false, error: err, retryable: true };
      throw err;
    }
    if (unwrapped.ok) return unwrapped;
    const error = new CloudStackTransportError(command, unwrapped.detail, {
      httpStatus: answer.status,
      outcomeUnknown: !idempotent,
      attempts: attempt,
    });
    return { ok: false, error, retryable: unwrapped.retryable };
  }

  async function call(command: string, params: CommandParams = {}): Promise<Record<string, unknown>> {
    const idempotent = isIdempotentRead(command);
    const policy = idempotent ? readPolicy : { ...readPolicy, attempts: 1 };
    for (let attempt = 1; ; attempt++) {
      const result = await attemptOnce(command, params, attempt, idempotent);
      if (result.ok) return result.value;
      if (!result.retryable || !triesLeft(policy, attempt)) throw result.error;
      await sleep(retryDelayMs(policy, attempt));
    }
  }

  return { call };
}

function isRetryableStatus(status: number | null): boolean {
  return status === null || status === 429 || status >= 500;
}

type Unwrapped = { ok: true; value: Record<string, unknown> } | { ok: false; detail: string; retryable: boolean };

/** `{"<command>response": {...}}`; an error carries errorcode/cserrorcode/errortext (ExceptionResponse). */
function unwrap(command: string, status: number, body: string): Unwrapped {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {
      ok: false,
      detail: `HTTP ${status} with a body that is not JSON (${snippet(body)})`,
      retryable: isRetryableStatus(status),
    };
  }
  const envelope = envelopeOf(command, parsed);
  if (!envelope) {
    return {
      ok: false,
      detail: `HTTP ${status} without a ${command.toLowerCase()}response envelope (${snippet(body)})`,
      retryable: isRetryableStatus(status),
    };
  }
  if (typeof envelope.errorcode === 'number' || status !== 200) {
    throw new CloudStackError({
      command,
      httpStatus: status,
      errorcode: typeof envelope.errorcode === 'number' ? envelope.errorcode : null,
      cserrorcode: typeof envelope.cserrorcode === 'number' ? envelope.cserrorcode : null,
      errortext: typeof envelope.errortext === 'string' ? envelope.errortext : `HTTP ${status}`,
    });
  }
  return { ok: true, value: envelope };
}

function envelopeOf(command: string, parsed: unknown): Record<string, unknown> | null {
  if (typeof parsed !== 'object' || parsed === null) return null;
  const record = parsed as Record<string, unknown>;
  // ApiServer.getSerializedApiError: "<command>response", or "errorresponse" for an unknown command
  const inner = record[`${command.toLowerCase()}response`] ?? record.errorresponse;
  // an array is no envelope: its "fields" would be indexes
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return null;
  return inner as Record<string, unknown>;
}

function snippet(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}...` : flat || 'empty';
}

function describeNetworkError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
    return `no answer within ${timeoutMs} ms`;
  // undici: TypeError("fetch failed") with the socket error (or an AggregateError of them) as cause
  let cause =
    err instanceof Error
      ? (err.cause as { code?: string; message?: string; errors?: unknown[] } | undefined)
      : undefined;
  if (cause && !cause.code && Array.isArray(cause.errors) && cause.errors.length > 0)
    cause = cause.errors[0] as typeof cause;
  if (cause?.code) return `connection failed (${cause.code}${cause.message ? `: ${cause.message}` : ''})`;
  if (cause?.message) return `connection failed (${cause.message})`;
  return `connection failed (${err instanceof Error ? err.message : String(err)})`;
}
