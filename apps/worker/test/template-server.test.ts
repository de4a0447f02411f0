// The template server over real HTTP on loopback: whole files, HEAD, every
// kind of range, validators, what it refuses to serve, a client that hangs
// up mid-body, and a real download by the lab's CloudStack secondary storage.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createCloudStackClient } from '@vzferry/cloudstack';
import { startCloudStack, type LabCloudStack } from '@vzferry/lab/cloudstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemplateServer, type DownloadLog, type TemplateServer } from '../src/template-server';

let dir: string;
let file: string;
let big: string;
let content: Buffer;
let server: TemplateServer;
let url: string;
const logs: DownloadLog[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-templates-'));
  content = randomBytes(3 * 1024 * 1024 + 123);
  file = path.join(dir, 'run-1.qcow2');
  writeFileSync(file, content);
  big = path.join(dir, 'big.qcow2');
  writeFileSync(big, Buffer.alloc(64 * 1024 * 1024, 7));
  server = await startTemplateServer({ log: (e) => logs.push(e) });
  url = server.publish('run-1', file).url;
});

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(target: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('template server', () => {
  it('serves the whole file with its length, type and validators', async () => {
    const res = await request(url);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'content-length': String(content.length),
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
    });
    expect(res.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+"$/);
    expect(new Date(res.headers['last-modified']!).getTime()).toBeGreaterThan(0);
    expect(sha(res.body)).toBe(sha(content));
    // the server logs when its end of the response is done, which can be just after the client's
    await expect
      .poll(() => logs.find((l) => l.runId === 'run-1' && l.method === 'GET' && l.status === 200))
      .toBeTruthy();
    expect(logs.find((l) => l.runId === 'run-1' && l.method === 'GET' && l.status === 200)).toMatchObject({
      runId: 'run-1',
      method: 'GET',
      status: 200,
      bytes: content.length,
      completed: true,
      range: null,
    });
    expect(JSON.stringify(logs)).not.toContain(url.split('/')[4]);
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await request(url, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(content.length));
    expect(res.body.length).toBe(0);
  });

  it('serves the first, a middle, a suffix and an open-ended range', async () => {
    const n = content.length;
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=1048576-2097151', 1048576, 2097151],
      ['bytes=-500', n - 500, n - 1],
      [`bytes=${n - 10}-`, n - 10, n - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await request(url, { headers: { range } });
      expect(res.status, range).toBe(206);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${n}`);
      expect(res.headers['content-length']).toBe(String(end - start + 1));
      expect(res.body.equals(content.subarray(start, end + 1))).toBe(true);
    }
  });

  it('says 416 for a range past the end and serves everything for one it does not take', async () => {
    const past = await request(url, { headers: { range: `bytes=${content.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${content.length}`);
    const several = await request(url, { headers: { range: 'bytes=0-1,5-9' } });
    expect(several.status).toBe(200);
    expect(several.body.length).toBe(content.length);
  });

  it('answers 304 to a matching If-None-Match, and the whole file when If-Range is stale', async () => {
    const { headers } = await request(url, { method: 'HEAD' });
    expect((await request(url, { headers: { 'if-none-match': headers.etag! } })).status).toBe(304);
    const stale = await request(url, { headers: { range: 'bytes=0-9', 'if-range': '"old"' } });
    expect(stale.status).toBe(200);
  });

  it('serves nothing that is not published: unknown tokens, other names, traversal, unpublished runs', async () => {
    const base = server.url;
    const token = url.split('/')[4]!;
    expect((await request(`${base}/templates/${'A'.repeat(43)}/run-1.qcow2`)).status).toBe(404);
    expect((await request(`${base}/templates/${token}/other.qcow2`)).status).toBe(404);
    expect((await request(`${base}/templates/${token}/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await request(`${base}/templates/`)).status).toBe(404);
    expect((await request(url, { method: 'DELETE' })).status).toBe(405);
    const other = server.publish('run-2', file);
    expect((await request(other.url, { method: 'HEAD' })).status).toBe(200);
    server.unpublish('run-2');
    expect((await request(other.url, { method: 'HEAD' })).status).toBe(404);
  });

  it('keeps a URL across a restart when the stored token is published again', async () => {
    const first = server.publish('run-3', file);
    const again = await startTemplateServer();
    try {
      const same = again.publish('run-3', file, first.token);
      expect(same.url.split('/').slice(3)).toEqual(first.url.split('/').slice(3));
      expect((await request(same.url, { method: 'HEAD' })).status).toBe(200);
    } finally {
      await again.stop();
      server.unpublish('run-3');
    }
  });

  it('survives a client that hangs up mid-body: logs the partial download and closes the file', async () => {
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    const bigUrl = server.publish('run-big', big).url;
    await new Promise<void>((resolve, reject) => {
      const req = http.get(bigUrl, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve() : reject(e)));
    });
    await expect.poll(() => logs.find((l) => l.runId === 'run-big'), { timeout: 5000 }).toBeTruthy();
    const entry = logs.find((l) => l.runId === 'run-big')!;
    expect(entry.completed).toBe(false);
    expect(entry.bytes).toBeLessThan(64 * 1024 * 1024);
    await expect.poll(fds, { timeout: 5000 }).toBeLessThanOrEqual(before);
    // and it still serves
    expect((await request(url, { method: 'HEAD' })).status).toBe(200);
  });

  it('serves two downloads at once', async () => {
    const [a, b] = await Promise.all([request(url), request(url, { headers: { range: 'bytes=100-' } })]);
    expect(sha(a.body)).toBe(sha(content));
    expect(b.body.equals(content.subarray(100))).toBe(true);
  });
});

describe('template server and the lab CloudStack', () => {
  let lab: LabCloudStack;
  let labDir: string;

  beforeAll(async () => {
    labDir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-templates-cs-'));
    lab = await startCloudStack({ dir: labDir, port: 0, downloadRateBytesPerSec: 0, installMs: 50 });
  });
  afterAll(async () => {
    await lab?.stop();
    if (labDir) rmSync(labDir, { recursive: true, force: true });
  });

  it('secondary storage downloads a published image until it is ready, byte for byte', async () => {
    const raw = path.join(dir, 'disk.raw');
    writeFileSync(raw, randomBytes(2 * 1024 * 1024));
    const qcow2 = path.join(dir, 'ct4242.qcow2');
    execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
    const published = server.publish('run-cs', qcow2);
    const cs = createCloudStackClient({ endpoint: lab.endpoint, apiKey: lab.apiKey, secretKey: lab.secretKey });
    const osTypeId = (await cs.listOsTypes({}))[0]!.id;
    const t = await cs.registerTemplate({ name: 'ct4242', url: published.url, zoneId: lab.zoneId, osTypeId });
    await expect
      .poll(async () => (await cs.listTemplates({ id: t.id }))[0]?.status, { timeout: 30_000, interval: 200 })
      .toBe('Download Complete');
    const [ready] = await cs.listTemplates({ id: t.id });
    expect(ready).toMatchObject({ isready: true, physicalsize: readFileSync(qcow2).length });
    const served = logs.filter((l) => l.runId === 'run-cs' && l.method === 'GET' && l.completed);
    expect(served.reduce((n, l) => n + l.bytes, 0)).toBeGreaterThanOrEqual(readFileSync(qcow2).length);
  });
});
