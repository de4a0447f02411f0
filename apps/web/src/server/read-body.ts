// Request bodies are read as a stream that stops at the route's cap: a body
// over it is refused (413) once the cap is passed, without holding the rest
// in memory, and a Content-Length over it is refused before reading at all.
import { AppError } from '@vzferry/core';

export type BodyFormat = 'json' | 'text';

export async function readBody(req: Request, format: BodyFormat, maxBytes: number): Promise<unknown> {
  const text = await readText(req, maxBytes);
  return format === 'json' ? parseJson(text) : text;
}

/** Reads a body a route does not take, only to hold it to the cap (a request must not be able to send gigabytes anywhere). */
export async function skipBody(req: Request, maxBytes: number): Promise<void> {
  await readText(req, maxBytes);
}

async function readText(req: Request, maxBytes: number): Promise<string> {
  if (Number(req.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return utf8(Buffer.concat(chunks));
}

function utf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('invalid_input', 'the request body is not UTF-8 text');
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError(
      'invalid_json',
      text.trim() === '' ? 'the request body is empty; JSON expected' : 'the request body is not JSON',
    );
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('too_large', `the request body is larger than ${formatBytes(maxBytes)}`);
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
