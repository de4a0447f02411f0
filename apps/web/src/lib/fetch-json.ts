// The browser's side of the API: JSON in and out, and an Error whose message
// is the server's own explanation (server/error-response.ts puts it in
// error.message). T is the route's output type from @/api.
import { apiErrorBodySchema } from '@/api/wire';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** what some codes carry besides the message, e.g. the bad rows of a customer CSV */
    readonly details: unknown,
  ) {
    super(message);
  }
}

export async function fetchJson<T>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  const res = await fetch(url, {
    ...rest,
    headers: { ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...rest.headers },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  const body: unknown = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw apiError(res.status, body);
  // the route sent its answer through the output schema T comes from
  return body as T;
}

function apiError(status: number, body: unknown): ApiError {
  const parsed = apiErrorBodySchema.safeParse(body);
  if (!parsed.success) return new ApiError(status, 'http_error', `HTTP ${status}`, undefined);
  const { code, message, details } = parsed.data.error;
  return new ApiError(status, code, message, details);
}
