// Serving a 1 GiB image: our template server against nginx (Debian's, with
// sendfile) over loopback, both in processes of their own, downloaded by
// curl into /dev/null, rounds alternating. Prints MB/s of each and the
// ratio ours/nginx (goal: at least 0.9).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { cacheDir } from '@vzferry/lab/rootfs';
import { freePort } from '@vzferry/ssh/free-port';

const SIZE = 1024 * 1024 * 1024;
const ROUNDS = 4;

/** 1 GiB of incompressible data, written once and cached. */
function testFile(): string {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'bench-1gib.qcow2');
  if (existsSync(file)) return file;
  const partial = `${file}.partial`;
  const fd = openSync(partial, 'w');
  const block = randomBytes(16 * 1024 * 1024);
  for (let i = 0; i < SIZE / block.length; i++) {
    block.writeUInt32LE(i, 0);
    writeSync(fd, block);
  }
  closeSync(fd);
  renameSync(partial, file);
  return file;
}

async function startNginx(file: string): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-bench-nginx-'));
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  const temp = (name: string) => `${name}_temp_path ${path.join(dir, name)};`;
  writeFileSync(
    conf,
    `daemon off; worker_processes 1; ${process.getuid?.() === 0 ? 'user root; ' : ''} pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 64; }
http { access_log off; sendfile on; tcp_nopush on; ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join(' ')}
  server { listen 127.0.0.1:${port}; root ${path.dirname(file)}; location / { } } }
`,
  );
  const child = spawn('/usr/sbin/nginx', ['-c', conf, '-p', dir, '-e', `${dir}/error.log`], { stdio: 'ignore' });
  await waitForPort(port);
  return { url: `http://127.0.0.1:${port}/${path.basename(file)}`, child, dir };
}

async function startOurs(file: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'support/serve-template.ts'), file],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve) =>
    readline.createInterface({ input: child.stdout! }).once('line', resolve),
  );
  return { url, child };
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) =>
      net
        .connect(port, '127.0.0.1')
        .once('connect', function (this: net.Socket) {
          this.destroy();
          r(true);
        })
        .once('error', () => r(false)),
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** bytes/s of one full download by curl */
function download(url: string): number {
  const out = execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{size_download} %{speed_download}', url], {
    encoding: 'utf8',
  });
  const [size, speed] = out.trim().split(' ').map(Number);
  if (size !== SIZE) throw new Error(`${url} served ${size} bytes, expected ${SIZE}`);
  return speed!;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bps: number) => (bps / 1e6).toFixed(0);

export async function run(): Promise<void> {
  const file = testFile();
  const nginx = await startNginx(file);
  const ours = await startOurs(file);
  try {
    download(nginx.url); // warm the page cache
    const results = { nginx: [] as number[], ours: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      results.nginx.push(download(nginx.url));
      results.ours.push(download(ours.url));
    }
    const [n, o] = [median(results.nginx), median(results.ours)];
    console.log(`template-serve: 1 GiB over loopback, ${ROUNDS} rounds each, curl -> /dev/null`);
    console.log(`  nginx ${mb(n)} MB/s  (${results.nginx.map(mb).join(', ')})`);
    console.log(`  ours  ${mb(o)} MB/s  (${results.ours.map(mb).join(', ')})`);
    console.log(`template-serve: ratio ours/nginx = ${(o / n).toFixed(2)} (goal >= 0.90)`);
  } finally {
    ours.child.kill('SIGTERM');
    nginx.child.kill('SIGTERM');
    rmSync(nginx.dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
