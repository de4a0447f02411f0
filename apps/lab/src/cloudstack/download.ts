// One secondary-storage download over HTTP, behaving like the SSVM's
// HttpTemplateDownloader (core/.../storage/template/HttpTemplateDownloader.java):
// no redirects, Content-Length or chunked required, max.template.iso.size,
// a Range resume after a premature end, and the same error strings.
import { createWriteStream, type WriteStream } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

export type FaultMode = 'timeout' | 'reset' | 'http500';

export interface DownloadFault {
  mode: FaultMode;
  /** fraction of the body received before a timeout or reset (0..1) */
  afterFraction: number;
  /** how long a faulted download stalls before "Read timed out" */
  stallMs: number;
}

export interface DownloadRequest {
  url: string;
  toFile: string;
  maxBytes: number;
  /** room left on the image store */
  freeBytes: () => number;
  /** current rate limit in bytes/s, 0 for none */
  rateBytesPerSec: () => number;
  fault: DownloadFault | null;
  readTimeoutMs: number;
  /** a private host not in secstorage.allowed.internal.sites: the SSVM's firewall drops the connection */
  blockedHost: boolean;
  signal: AbortSignal;
  onProgress: (bytes: number, remoteSize: number) => void;
}

export type DownloadOutcome =
  | { ok: true; bytes: number; remoteSize: number }
  | { ok: false; aborted: boolean; error: string; bytes: number; remoteSize: number };

type PumpEnd = 'eof' | 'premature' | 'reset' | 'timeout' | 'nospace' | 'limit' | 'aborted';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Java exception message the SSVM would record for a connection-level error. */
function javaMessage(err: NodeJS.ErrnoException, host: string): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'Connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return host;
    case 'ETIMEDOUT':
    case 'CONNECT_TIMEOUT':
      return 'connect timed out';
    case 'EHOSTUNREACH':
      return 'No route to host';
    default:
      return err.message;
  }
}

function open(url: URL, offset: number, signal: AbortSignal): Promise<IncomingMessage> {
  const lib = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = { 'user-agent': 'Jakarta Commons-HttpClient/3.1' };
  if (offset > 0) headers.range = `bytes=${offset}-`;
  return new Promise((resolve, reject) => {
    const req = lib.get(url, { headers, signal, timeout: 30_000 }, resolve);
    req.on('timeout', () => req.destroy(Object.assign(new Error('connect timed out'), { code: 'CONNECT_TIMEOUT' })));
    req.on('error', reject);
  });
}

interface PumpState {
  bytes: number;
  remoteSize: number;
  chunked: boolean;
}

function pump(res: IncomingMessage, ws: WriteStream, st: PumpState, req: DownloadRequest): Promise<PumpEnd> {
  return new Promise((resolve) => {
    const started = Date.now();
    let attemptBytes = 0;
    let done = false;
    let socketError: NodeJS.ErrnoException | null = null;
    let idle: NodeJS.Timeout | undefined;
    res.socket.on('error', (e: NodeJS.ErrnoException) => (socketError = e));
    const finish = (end: PumpEnd) => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      res.removeAllListeners('data');
      if (end !== 'eof' && end !== 'limit') res.destroy();
      ws.end(() => resolve(end));
    };
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish('timeout'), req.readTimeoutMs);
    };
    const onAbort = () => finish('aborted');
    req.signal.addEventListener('abort', onAbort, { once: true });
    // the stream flows only while nothing holds it: a full write buffer, the rate limit, a stalled fault
    const holds = new Set<string>();
    const hold = (why: string) => {
      holds.add(why);
      res.pause();
    };
    const release = (why: string) => {
      holds.delete(why);
      if (!done && holds.size === 0) res.resume();
    };
    armIdle();
    res.on('data', (chunk: Buffer) => {
      if (done) return;
      let piece = chunk;
      const room = req.freeBytes();
      if (piece.length > room) piece = piece.subarray(0, Math.max(0, room));
      // chunked without a size: copyBytes stops at maxTemplateSizeInBytes
      if (st.chunked && st.bytes + piece.length > st.remoteSize) piece = piece.subarray(0, st.remoteSize - st.bytes);
      if (piece.length > 0 && !ws.write(piece)) {
        hold('drain');
        ws.once('drain', () => release('drain'));
      }
      st.bytes += piece.length;
      attemptBytes += piece.length;
      req.onProgress(st.bytes, st.remoteSize);
      if (piece.length < chunk.length) return finish(room < chunk.length ? 'nospace' : 'limit');
      if (st.bytes >= st.remoteSize) return finish('limit');
      const fault = req.fault;
      if (fault && fault.mode !== 'http500' && st.bytes >= fault.afterFraction * st.remoteSize) {
        if (fault.mode === 'reset') return finish('reset');
        // the source stops sending: nothing arrives until the read time-out
        clearTimeout(idle);
        hold('fault');
        idle = setTimeout(() => finish('timeout'), fault.stallMs);
        return;
      }
      armIdle();
      const rate = req.rateBytesPerSec();
      const ahead = rate > 0 ? (attemptBytes / rate) * 1000 - (Date.now() - started) : 0;
      if (ahead > 5) {
        clearTimeout(idle);
        hold('rate');
        setTimeout(() => {
          if (done) return;
          armIdle();
          release('rate');
        }, ahead);
      }
    });
    res.on('end', () => finish(st.bytes >= st.remoteSize || st.chunked ? 'eof' : 'premature'));
    res.on('aborted', () => finish(socketError?.code === 'ECONNRESET' ? 'reset' : 'premature'));
    res.on('error', () => finish(socketError?.code === 'ECONNRESET' ? 'reset' : 'premature'));
  });
}

/** The size check of tryAndGetRemoteSize/canHandleDownloadSize; null when the answer is usable. */
function sizeError(res: IncomingMessage, st: PumpState, maxBytes: number): string | null {
  const length = res.headers['content-length'];
  if (length === undefined) {
    if ((res.headers['transfer-encoding'] ?? '').toLowerCase() !== 'chunked')
      return ' Failed to receive length of download ';
    st.chunked = true;
    st.remoteSize = 0;
  } else {
    st.remoteSize = Number(length);
  }
  if (st.remoteSize > maxBytes) return 'Download file size is too large';
  if (st.remoteSize === 0) st.remoteSize = maxBytes; // checkAndSetDownloadSize
  return null;
}

export async function download(req: DownloadRequest): Promise<DownloadOutcome> {
  const url = new URL(req.url);
  const st: PumpState = { bytes: 0, remoteSize: 0, chunked: false };
  const fail = (error: string, aborted = false): DownloadOutcome => ({
    ok: false,
    aborted,
    error,
    bytes: st.bytes,
    remoteSize: st.remoteSize,
  });
  if (req.fault?.mode === 'http500') return fail(' HTTP Server returned 500 (expected 200 OK) ');
  if (req.blockedHost) {
    await sleep(Math.min(req.readTimeoutMs, 2000));
    return fail('connect timed out');
  }
  for (;;) {
    const offset = st.bytes;
    let res: IncomingMessage;
    try {
      res = await open(url, offset, req.signal);
    } catch (err) {
      if (req.signal.aborted) return fail('Download aborted', true);
      return fail(javaMessage(err as NodeJS.ErrnoException, url.hostname));
    }
    const status = res.statusCode ?? 0;
    if (offset > 0 && status !== 206) {
      res.destroy();
      return fail('HTTP Server does not support partial get');
    }
    if (offset === 0 && status !== 200) {
      res.destroy();
      if (status === 301 || status === 302)
        return fail(`Failed to download ${req.url} due to redirection, response code: ${status}`);
      return fail(` HTTP Server returned ${status} (expected 200 OK) `);
    }
    if (offset === 0) {
      const problem = sizeError(res, st, req.maxBytes);
      if (problem) {
        res.destroy();
        return fail(problem);
      }
    }
    const ws = createWriteStream(req.toFile, offset > 0 ? { flags: 'r+', start: offset } : { flags: 'w' });
    const end = await pump(res, ws, st, req);
    if (end === 'aborted') return fail('Download aborted', true);
    if (end === 'reset') return fail('Connection reset');
    if (end === 'timeout') return fail('Read timed out');
    if (end === 'nospace') return fail('No space left on device');
    if (end === 'eof' || end === 'limit') return { ok: true, bytes: st.bytes, remoteSize: st.remoteSize };
    // a premature end: the downloader reports IN_PROGRESS and DownloadManagerImpl resumes with a Range request
    if (st.bytes === offset) return fail(`Downloaded ${st.bytes} bytes (incomplete download)`);
  }
}
