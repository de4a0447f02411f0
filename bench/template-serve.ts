// Serving a 1 GiB image: our template server against nginx (Debian's, with
// sendfile) over loopback, both in processes of their own, downloaded by
// curl into /dev/null, rounds alternating. Prints MB/s of each and the
// ratio ours/nginx (goal: at least 0.9): the median of each round's ratio,
// as the two downloads of a round share the machine's load of the moment.
// Each server's CPU time per GiB served (from /proc) is printed too: unlike
// the speed, it hardly depends on what else the machine is doing.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
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
import { table, type BenchResult } from './support/results';

const SIZE = 1024 * 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_TEMPLATE_ROUNDS ?? 8);
const GOAL = 0.9;

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

/** CPU seconds (user + system) a process has used so far */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime, fields 14 and 15 of proc(5), in clock ticks (100 a second on Linux)
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** nginx serves from its worker, a child of the master we started */
function nginxWorker(master: number): number {
  const children = readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(' ');
  if (children.length !== 1 || !children[0]) throw new Error(`nginx ${master} has workers ${children.join(', ')}`);
  return Number(children[0]);
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const mb = (bps: number) => (bps / 1e6).toFixed(0);

export async function run(): Promise<BenchResult> {
  const file = testFile();
  const nginx = await startNginx(file);
  const ours = await startOurs(file);
  try {
    download(nginx.url); // warm the page cache
    download(ours.url);
    const pids = { nginx: nginxWorker(nginx.child.pid!), ours: ours.child.pid! };
    const cpu = { nginx: -cpuSeconds(pids.nginx), ours: -cpuSeconds(pids.ours) };
    const results = { nginx: [] as number[], ours: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      results.nginx.push(download(nginx.url));
      results.ours.push(download(ours.url));
    }
    // per GiB served (each download is 1 GiB)
    cpu.nginx = (cpu.nginx + cpuSeconds(pids.nginx)) / ROUNDS;
    cpu.ours = (cpu.ours + cpuSeconds(pids.ours)) / ROUNDS;
    const [n, o] = [median(results.nginx), median(results.ours)];
    const ratio = median(results.ours.map((x, i) => x / results.nginx[i]!));
    const lines = [
      `1 GiB of random data over loopback, downloaded by curl into /dev/null, ${ROUNDS} rounds of nginx then ours;`,
      `the ratio is the median of each round's ours/nginx.`,
      '',
      ...table(
        ['server', 'median MB/s', 'each round, MB/s', 'CPU s per GiB served'],
        [
          ['nginx (sendfile), the baseline', mb(n), results.nginx.map(mb).join(', '), cpu.nginx.toFixed(2)],
          ['our template server', mb(o), results.ours.map(mb).join(', '), cpu.ours.toFixed(2)],
        ],
      ),
      '',
      `Ratio ours/nginx: **${ratio.toFixed(2)}** (goal at least ${GOAL.toFixed(2)}: ${ratio >= GOAL ? 'met' : 'NOT met'}).`,
      `CPU per GiB ours/nginx: ${(cpu.ours / cpu.nginx).toFixed(1)} (nginx sends from the page cache with sendfile;`,
      'ours reads each MiB into a buffer in a libuv thread and writes it to the socket, two copies). On a loaded',
      "machine the speed also depends on each server's share of the CPUs: nginx serves a download from its one",
      'worker process, ours from its main thread and a reading thread.',
    ];
    console.log(lines.join('\n'));
    return { title: 'Template server vs nginx', lines };
  } finally {
    ours.child.kill('SIGTERM');
    nginx.child.kill('SIGTERM');
    rmSync(nginx.dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
