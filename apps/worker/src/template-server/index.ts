// The converter box's template server: CloudStack's secondary storage
// downloads each run's qcow2 image from it (HEAD first, then GET, resuming
// with Range after a dropped connection). It serves only images published
// for runs in progress, each under an unguessable URL, streams from disk
// (never a whole file in memory, backpressure respected) and logs every
// download with its bytes and duration, never the URL's token.
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseRange } from './range';

export interface DownloadLog {
  runId: string;
  remote: string;
  method: string;
  /** "bytes=0-99" as asked, or null for the whole file */
  range: string | null;
  status: number;
  bytes: number;
  ms: number;
  completed: boolean;
}

export interface TemplateServerOptions {
  port?: number;
  host?: string;
  /** the base URL CloudStack reaches this box at; default http://<host>:<port> */
  publicUrl?: string;
  log?: (entry: DownloadLog) => void;
  /**
   * POST /boot-callback/<runId>?status=N from a grub-legacy guest's boot ISO,
   * with its one-time token as a Bearer credential and its job's log as the
   * body; true if the token was the run's (204), false otherwise (403).
   */
  bootCallback?: (call: BootCallback) => Promise<boolean>;
}

export interface BootCallback {
  runId: string;
  token: string;
  status: number;
  log: string;
  remote: string;
}

export interface Published {
  runId: string;
  token: string;
  url: string;
}

export interface TemplateServer {
  url: string;
  port: number;
  /** serves `file` for the run; pass the token stored for it to keep the same URL after a restart */
  publish(runId: string, file: string, token?: string): Published;
  unpublish(runId: string): void;
  /** serves the box's boot ISO at <url>/boot-iso/<name>; returns its URL */
  publishBootIso(file: string, name: string): string;
  /** where the boot ISO of a run calls back */
  bootCallbackUrl(runId: string): string;
  stop(): Promise<void>;
}

interface Entry {
  runId: string;
  token: string;
  file: string;
  name: string;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
// 1 MiB reads and writes: the best of 64 KiB..16 MiB in bench/template-serve
const CHUNK = 1024 * 1024;

export async function startTemplateServer(opts: TemplateServerOptions = {}): Promise<TemplateServer> {
  const byToken = new Map<string, Entry>();
  const byRun = new Map<string, Entry>();
  const log = opts.log ?? (() => undefined);
  let bootIso: Entry | null = null;
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/boot-callback/')) return void receiveBootCallback(req, res, opts.bootCallback);
    void serve(
      req,
      res,
      (url) => (bootIso && url.split('?')[0] === `/boot-iso/${bootIso.name}` ? bootIso : lookup(url, byToken)),
      log,
    );
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const base = (opts.publicUrl ?? `http://${opts.host ?? '127.0.0.1'}:${port}`).replace(/\/$/, '');
  return {
    url: base,
    port,
    publish(runId, file, token) {
      if (token !== undefined && !TOKEN.test(token)) throw new Error('a template URL token is 43 base64url characters');
      const old = byRun.get(runId);
      if (old) byToken.delete(old.token);
      const entry: Entry = {
        runId,
        token: token ?? randomBytes(32).toString('base64url'),
        file,
        name: safeName(path.basename(file)),
      };
      byToken.set(entry.token, entry);
      byRun.set(runId, entry);
      return { runId, token: entry.token, url: `${base}/templates/${entry.token}/${entry.name}` };
    },
    unpublish(runId) {
      const entry = byRun.get(runId);
      if (!entry) return;
      byRun.delete(runId);
      byToken.delete(entry.token);
    },
    publishBootIso(file, name) {
      if (!/^[A-Za-z0-9._-]+\.iso$/.test(name))
        throw new Error(`the boot ISO's name must be a plain file name ending in .iso: ${name}`);
      bootIso = { runId: 'boot-iso', token: '', file, name };
      return `${base}/boot-iso/${name}`;
    },
    bootCallbackUrl: (runId) => `${base}/boot-callback/${runId}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function safeName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return clean.endsWith('.qcow2') ? clean : `${clean}.qcow2`;
}

async function serve(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  find: (url: string) => Entry | null,
  log: (e: DownloadLog) => void,
): Promise<void> {
  const started = Date.now();
  const entry = find(req.url ?? '');
  if (!entry || (req.method !== 'GET' && req.method !== 'HEAD'))
    return notFound(res, req.method === 'GET' || req.method === 'HEAD' ? 404 : 405);
  let st: Stats;
  try {
    st = await stat(entry.file);
  } catch {
    return notFound(res, 404);
  }
  const etag = `"${st.ino.toString(16)}-${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', st.mtime.toUTCString());
  res.setHeader('Content-Type', 'application/octet-stream');
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304).end();
    return;
  }
  // If-Range with another validator: the file changed, send all of it
  const rangeHeader =
    req.headers.range && (!req.headers['if-range'] || req.headers['if-range'] === etag) ? req.headers.range : undefined;
  const range = parseRange(rangeHeader, st.size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${st.size}` }).end();
    log({
      runId: entry.runId,
      remote: remote(req),
      method: req.method,
      range: rangeHeader ?? null,
      status: 416,
      bytes: 0,
      ms: Date.now() - started,
      completed: true,
    });
    return;
  }
  const [start, end] = range ?? [0, st.size - 1];
  const length = st.size === 0 ? 0 : end - start + 1;
  const status = range ? 206 : 200;
  res.writeHead(status, {
    'Content-Length': length,
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${st.size}` } : {}),
  });
  const done = (completed: boolean, bytes: number) =>
    log({
      runId: entry.runId,
      remote: remote(req),
      method: req.method!,
      range: range ? rangeHeader! : null,
      status,
      bytes,
      ms: Date.now() - started,
      completed,
    });
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    done(true, 0);
    return;
  }
  const sent = await sendRange(entry.file, start, end, res);
  done(sent === length && res.writableFinished, sent);
}

/**
 * Streams bytes start..end of a file into the response through two reused
 * buffers: one is read from disk while the other is written to the socket,
 * and a buffer is reused only after its write has completed. Allocating a
 * fresh buffer per chunk (fs.createReadStream) costs about half the
 * throughput (bench/template-serve). Returns the bytes the socket took;
 * stops early, and closes the file, when the client hangs up.
 */
async function sendRange(file: string, start: number, end: number, res: http.ServerResponse): Promise<number> {
  let gone = false;
  const closed = new Promise<void>((resolve) =>
    res.once('close', () => {
      gone = !res.writableFinished;
      resolve();
    }),
  );
  const fh = await open(file, 'r');
  const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  const writes: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
  let pos = start;
  let sent = 0;
  const write = (chunk: Buffer) =>
    new Promise<void>((resolve) =>
      res.write(chunk, (err) => {
        if (err) gone = true;
        else sent += chunk.length;
        resolve();
      }),
    );
  try {
    for (let i = 0; pos <= end; i++) {
      const k = i % 2;
      await Promise.race([writes[k], closed]);
      if (gone || res.destroyed) return sent;
      const { bytesRead } = await fh.read(buffers[k]!, 0, Math.min(CHUNK, end - pos + 1), pos);
      if (bytesRead === 0) throw new Error(`${file} is shorter than it was`);
      pos += bytesRead;
      writes[k] = write(buffers[k]!.subarray(0, bytesRead));
    }
    await Promise.race([Promise.all(writes), closed]);
    if (gone || res.destroyed) return sent;
    await new Promise<void>((resolve) => res.end(resolve));
    return sent;
  } catch {
    res.destroy();
    return sent;
  } finally {
    await fh.close();
  }
}

function lookup(url: string, byToken: Map<string, Entry>): Entry | null {
  const m = /^\/templates\/([A-Za-z0-9_-]{43})\/([A-Za-z0-9._-]+)$/.exec(url.split('?')[0]!);
  if (!m) return null;
  const entry = byToken.get(m[1]!);
  return entry && entry.name === m[2] ? entry : null;
}

const RUN_ID = /^\/boot-callback\/([0-9a-f-]{36})(?:\?(.*))?$/;
const MAX_CALLBACK_BYTES = 64 * 1024;

/** The boot ISO's call back: checked here for shape, the token by the handler (against the database). */
async function receiveBootCallback(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  handler: TemplateServerOptions['bootCallback'],
): Promise<void> {
  const m = RUN_ID.exec(req.url ?? '');
  const status = Number(new URLSearchParams(m?.[2] ?? '').get('status') ?? 'x');
  const token = /^Bearer ([0-9a-f]{64})$/.exec(req.headers.authorization ?? '')?.[1];
  if (req.method !== 'POST') return notFound(res, 405);
  if (!handler || !m) return notFound(res, 404);
  if (!token || !Number.isInteger(status) || status < 0 || status > 255) {
    res
      .writeHead(400, { 'Content-Type': 'text/plain' })
      .end('expected ?status=<0-255> and Authorization: Bearer <token>\n');
    return;
  }
  let body = '';
  try {
    body = await readBody(req, MAX_CALLBACK_BYTES);
  } catch {
    res.writeHead(413, { 'Content-Type': 'text/plain' }).end('the log is too long\n');
    return;
  }
  let accepted = false;
  try {
    accepted = await handler({ runId: m[1]!, token, status, log: body, remote: remote(req) });
  } catch {
    res.writeHead(500, { 'Content-Type': 'text/plain' }).end('could not record the call back; try again\n');
    return;
  }
  if (accepted) res.writeHead(204).end();
  else res.writeHead(403, { 'Content-Type': 'text/plain' }).end("not this run's token\n");
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('too long'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function notFound(res: http.ServerResponse, status: 404 | 405): void {
  // the same answer for "never existed" and "no longer published": nothing to learn from it
  res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status === 404 ? 'Not Found\n' : 'Method Not Allowed\n');
}

function remote(req: http.IncomingMessage): string {
  return `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
}
