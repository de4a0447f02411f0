// Private services for the fault tests: a PostgreSQL cluster and a Redis of
// the test's own (the machine's are shared by everyone: never restarted or
// flushed by a test), and a TCP relay the test can cut, as a network outage
// would. Each is started on a free port of the loopback and stopped by the
// test; nothing is found or killed by name.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const PG_BIN = '/usr/lib/postgresql/15/bin';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export interface PrivatePostgres {
  /** the server's maintenance database, as TEST_DATABASE_SERVER_URL takes it */
  serverUrl: string;
  port: number;
  start(): Promise<void>;
  /** fast shutdown: open connections are ended by the server */
  stop(): Promise<void>;
  restart(): Promise<void>;
  destroy(): void;
}

/** A PostgreSQL 15 cluster in a temp dir, run as user postgres, trust on 127.0.0.1 only. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-pg-'));
  chmodSync(dir, 0o700);
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, cmd), ...args], { stdio: 'pipe' });
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
  const port = await freePort();
  // the socket in the cluster's own dir, no fsync: a test's data need not outlive a power cut
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const ctlArgs = (args: string[]) => [
    '-u',
    'postgres',
    '--',
    path.join(PG_BIN, 'pg_ctl'),
    '-D',
    data,
    '-l',
    path.join(dir, 'log'),
    ...args,
  ];
  const pgCtl = (...args: string[]) => execFileSync('runuser', ctlArgs(args), { stdio: 'pipe' });
  // while the server stops and starts, the test's own event loop goes on (the lab's CloudStack runs in it)
  const pgCtlAsync = async (...args: string[]) => {
    await promisify(execFile)('runuser', ctlArgs(args));
  };
  const start = () => pgCtlAsync('-o', options, '-w', 'start');
  await start();
  return {
    serverUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop: () => pgCtlAsync('-m', 'fast', '-w', 'stop'),
    restart: () => pgCtlAsync('-o', options, '-m', 'fast', '-w', 'restart'),
    destroy() {
      try {
        pgCtl('-m', 'immediate', '-w', 'stop');
      } catch {
        // stopped already
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  url: string;
  /** killed and started again on the same port, empty: no persistence */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    const c = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', os.tmpdir()],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = c;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      c.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      c.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out.slice(-500)}`)));
    });
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await gone;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      await stop();
      await start();
    },
    stop,
  };
}

export interface TcpRelay {
  port: number;
  /** break the open connections; with `refuse`, new ones are refused until restore() */
  cut(opts?: { refuse?: boolean }): Promise<void>;
  restore(): Promise<void>;
  /** connections open now */
  open(): number;
  close(): Promise<void>;
}

/** A TCP relay on a free loopback port to 127.0.0.1:target. */
export async function startTcpRelay(target: number): Promise<TcpRelay> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => {
        sockets.delete(s);
        // one side gone: the other goes too, as across a real link
        (s === client ? upstream : client).destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const closeServer = () =>
    new Promise<void>((r) => {
      if (!server.listening) return r();
      server.close(() => r());
    });
  return {
    port,
    async cut(opts = {}) {
      const closed = opts.refuse ? closeServer() : Promise.resolve();
      for (const s of sockets) s.destroy();
      await closed;
    },
    async restore() {
      if (!server.listening) await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    },
    open: () => sockets.size / 2,
    async close() {
      const closed = closeServer();
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
