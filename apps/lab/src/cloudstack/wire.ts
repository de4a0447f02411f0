// Reading a request's parameters and writing an answer the way the
// management server's servlet does (ApiServlet.processRequestInContext,
// HttpUtils.writeHttpResponse): JSON, or XML when response=json is absent.
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY = 4 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Form body first, then the query string over it (utf8Fixup re-puts every query parameter). */
export async function requestParams(req: IncomingMessage, url: URL): Promise<Map<string, string>> {
  const params = new Map<string, string>();
  const type = req.headers['content-type'] ?? '';
  if (req.method === 'POST' && type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(await readBody(req))) if (!params.has(k)) params.set(k, v);
  }
  for (const [k, v] of url.searchParams) params.set(k, v);
  return params;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function toXml(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join('');
  if (typeof value === 'object')
    return `<${name}>${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => toXml(k, v))
      .join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function sendApi(
  res: ServerResponse,
  status: number,
  responseName: string,
  body: Record<string, unknown>,
  responseType: string,
): void {
  const json = responseType.toLowerCase() === 'json';
  const text = json
    ? JSON.stringify({ [responseName]: body })
    : `<?xml version="1.0" encoding="UTF-8"?><${responseName} cloud-stack-version="4.18.0.0">${Object.entries(body)
        .map(([k, v]) => toXml(k, v))
        .join('')}</${responseName}>`;
  res.writeHead(status, {
    'content-type': json ? 'application/json; charset=UTF-8' : 'text/xml; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
