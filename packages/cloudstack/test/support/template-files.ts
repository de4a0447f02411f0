// Test fixtures: real qcow2 images made by qemu-img, served over HTTP like a
// converter box's template server would (Content-Length, Range, HEAD).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface ImageFile {
  path: string;
  bytes: number;
  sha256: string;
}

/** A qcow2 whose clusters hold `dataBytes` of random data (so the file is about that big). */
export function makeQcow2(dir: string, name: string, dataBytes: number): ImageFile {
  const raw = path.join(dir, `${name}.raw`);
  const out = path.join(dir, `${name}.qcow2`);
  writeFileSync(raw, randomBytes(dataBytes));
  execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, out]);
  return { path: out, bytes: statSync(out).size, sha256: createHash('sha256').update(readFileSync(out)).digest('hex') };
}

export interface FileServer {
  /** http://127.0.0.1:<port> */
  base: string;
  /** GET requests seen per path */
  gets: Map<string, number>;
  stop(): Promise<void>;
}

/** Serves files by URL path; `bytesPerSec` slows every answer so progress can be watched. */
export async function serveFiles(
  files: Record<string, string>,
  opts: { bytesPerSec?: number } = {},
): Promise<FileServer> {
  const gets = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const file = files[url.pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const size = statSync(file).size;
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-length': size }).end();
      return;
    }
    gets.set(url.pathname, (gets.get(url.pathname) ?? 0) + 1);
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    res.writeHead(range ? 206 : 200, {
      'content-length': size - start,
      ...(range ? { 'content-range': `bytes ${start}-${size - 1}/${size}` } : {}),
    });
    const stream = createReadStream(file, { start, highWaterMark: 64 * 1024 });
    if (!opts.bytesPerSec) {
      stream.pipe(res);
      return;
    }
    const started = Date.now();
    let sent = 0;
    stream.on('data', (chunk) => {
      sent += chunk.length;
      res.write(chunk);
      const ahead = (sent / (opts.bytesPerSec ?? 1)) * 1000 - (Date.now() - started);
      if (ahead > 0) {
        stream.pause();
        setTimeout(() => stream.resume(), ahead);
      }
    });
    stream.on('end', () => res.end());
    res.on('close', () => stream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    gets,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls until the check returns a value (not undefined) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
