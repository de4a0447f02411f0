// Helpers for the lab CloudStack tests: a signer written for the tests
// (byte-wise, from ApiServer.verifyRequest's description), a scratch lab,
// a programmable HTTP source and real qcow2 files.
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type LabCloudStack, startCloudStack, type StartCloudStackOptions } from '../../src/cloudstack/index';

function encode(value: string): string {
  let out = '';
  for (const b of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9.*_-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The query string of a signed request (names unencoded as the reference clients send them). */
export function signed(params: Record<string, string>, secret: string): string {
  const query = Object.keys(params)
    .sort()
    .map((k) => `${k}=${encode(params[k] ?? '')}`)
    .join('&');
  const signature = createHmac('sha1', secret).update(query.toLowerCase()).digest('base64');
  return `${query}&signature=${encode(signature)}`;
}

export interface Lab {
  dir: string;
  lab: LabCloudStack;
  /** GET a signed command; JSON unless response is given */
  call(
    command: string,
    params?: Record<string, string>,
    opts?: { response?: string | null },
  ): Promise<{ status: number; text: string; json: Record<string, Record<string, unknown>> }>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function scratchLab(label: string, opts: Partial<StartCloudStackOptions> = {}): Promise<Lab> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `vzferry-labcs-${label}-`));
  const start = () =>
    startCloudStack({
      dir,
      vmTransitionMs: 50,
      installMs: 50,
      downloadRateBytesPerSec: 0,
      readTimeoutMs: 3000,
      downloadPollMs: 100,
      ...opts,
    });
  const h: Lab = {
    dir,
    lab: await start(),
    call: async (command, params = {}, o = {}) => {
      const all: Record<string, string> = { command, apikey: h.lab.apiKey, ...params };
      if (o.response !== null) all.response = o.response ?? 'json';
      const res = await fetch(`${h.lab.endpoint}?${signed(all, h.lab.secretKey)}`);
      const text = await res.text();
      let json: Record<string, Record<string, unknown>> = {};
      try {
        json = JSON.parse(text) as typeof json;
      } catch {
        /* XML */
      }
      return { status: res.status, text, json };
    },
    restart: async () => {
      await h.lab.stop();
      h.lab = await start();
    },
    close: async () => {
      await h.lab.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

export function makeQcow2(dir: string, name: string, dataBytes: number): string {
  const raw = path.join(dir, `${name}.raw`);
  const out = path.join(dir, `${name}.qcow2`);
  writeFileSync(raw, randomBytes(dataBytes));
  execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, out]);
  return out;
}

export const fileBytes = (file: string) => readFileSync(file);

export interface Source {
  base: string;
  requests: { method: string; path: string; range?: string }[];
  stop(): Promise<void>;
}

/** An HTTP server whose answers the test writes (HEAD is answered 200 for every path). */
export async function source(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Source> {
  const requests: Source['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      ...(req.headers.range ? { range: req.headers.range } : {}),
    });
    if (req.method === 'HEAD') return void res.writeHead(200).end();
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

export function tmpDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `vzferry-labcs-${label}-`));
}
