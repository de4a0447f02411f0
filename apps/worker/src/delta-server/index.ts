// The converter box's delta server: during a staged cutover, a VM booted from
// our boot ISO pulls exactly the changed files of its container from the
// box's copy with rsync. One rsync daemon per box serves each run's copy
// read-only, chrooted, as module run-<runId>, to user run-<runId> only, with
// a password derived from the box's key (deltaPassword). The daemon re-reads
// rsyncd.conf and the secrets file on every connection (measured on 3.5.0 in
// test/delta-server.test.ts), so serve and withdraw only rewrite them,
// atomically; the daemon keeps running. A worker killed with SIGKILL leaves
// its daemon behind: the next start stops it through the pid file.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  checkConfigPath,
  checkPassword,
  checkRunId,
  moduleName,
  renderConfig,
  renderSecrets,
  type Module,
  type StatePaths,
} from './config';
import { isDaemonOf, isGone, listensOn, processGroup } from './proc';

export { deltaPassword } from './password';

export interface DeltaServerOptions {
  /** a directory of its own (created 0700): rsyncd.conf, the secrets file, pid file, log */
  stateDir: string;
  /** address to listen on (the box's address that guests reach, same host as the template server) */
  address: string;
  /** TCP port (fixed per box: it is written into the VM's disk before the cutover) */
  port: number;
  log?: (line: string) => void;
}

export interface DeltaServer {
  readonly port: number;
  /** rsync://run-<runId>@<address>:<port>/run-<runId>/ : what a client pulls */
  url(runId: string): string;
  /** serve `root` read-only as module run-<runId>, user run-<runId> with this password (idempotent: replaces an earlier one) */
  serve(runId: string, root: string, password: string): Promise<void>;
  /** stop serving the run (the credential dies with it); no-op if not served */
  withdraw(runId: string): Promise<void>;
  /** the runs served now */
  served(): string[];
  /** stops the daemon (all modules withdrawn) */
  stop(): Promise<void>;
}

interface Daemon {
  child: ChildProcess;
  pid: number;
  exited: Promise<string>;
  exitReason: string | null;
  /** set by stopDaemon: its exit is expected, not news */
  stopping: boolean;
}

const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;

export async function startDeltaServer(opts: DeltaServerOptions): Promise<DeltaServer> {
  const log = opts.log ?? (() => undefined);
  const { address, port } = checkListen(opts.address, opts.port);
  const paths = await prepareStateDir(opts.stateDir);
  await stopLeftover(paths, log);
  await checkPortFree(address, port);
  const modules = new Map<string, Module>();
  const writes = serialized();
  await writeSecretsThenConfig(paths, []);
  const daemon = await startDaemon(paths, address, port, log);
  let stopping: Promise<void> | null = null;

  const usable = () => {
    if (stopping) throw new Error('the delta server is stopped');
    if (daemon.exitReason)
      throw new Error(`the delta server's rsync daemon ${daemon.exitReason}; start the delta server again`);
  };

  return {
    port,
    url: (runId) => {
      const name = moduleName(runId);
      return `rsync://${name}@${net.isIPv6(address) ? `[${address}]` : address}:${port}/${name}/`;
    },
    async serve(runId, root, password) {
      const entry = { runId: checkRunId(runId), root: await checkRoot(root), password: checkPassword(password) };
      usable();
      const before = modules.get(runId);
      modules.set(runId, entry);
      try {
        // the credential first, then the module that needs it
        await writes(() => writeSecretsThenConfig(paths, [...modules.values()]));
      } catch (err) {
        if (before) modules.set(runId, before);
        else modules.delete(runId);
        throw err;
      }
      log(`delta server: serving ${moduleName(runId)} from ${root}`);
    },
    async withdraw(runId) {
      checkRunId(runId);
      if (!modules.delete(runId)) return;
      // the module first, then its credential
      await writes(() => writeConfigThenSecrets(paths, [...modules.values()]));
      log(`delta server: withdrew ${moduleName(runId)}`);
    },
    served: () => [...modules.keys()],
    stop() {
      stopping ??= (async () => {
        modules.clear();
        await writes(() => writeConfigThenSecrets(paths, [])).catch(() => undefined);
        await stopDaemon(daemon, paths);
        log(`delta server: stopped the rsync daemon (pid ${daemon.pid})`);
      })();
      return stopping;
    },
  };
}

function checkListen(address: string, port: number): { address: string; port: number } {
  if (net.isIP(address) === 0)
    throw new Error(`the delta server's address must be an IP address of this box, got ${JSON.stringify(address)}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`the delta server's port must be a TCP port (1-65535), got ${port}`);
  return { address, port };
}

async function prepareStateDir(dir: string): Promise<StatePaths> {
  // resolved: the leftover check compares the --config= of a running daemon with this path, string for string
  const stateDir = checkConfigPath("the delta server's state directory", path.resolve(dir));
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await chmod(stateDir, 0o700);
  // temporary files of a write interrupted by a crash
  for (const name of await readdir(stateDir))
    if (name.endsWith('.tmp')) await rm(path.join(stateDir, name), { force: true });
  const p = (name: string) => path.join(stateDir, name);
  return {
    config: p('rsyncd.conf'),
    secrets: p('rsyncd.secrets'),
    pid: p('rsyncd.pid'),
    log: p('rsyncd.log'),
    lock: p('rsyncd.lock'),
  };
}

async function checkRoot(root: string): Promise<string> {
  checkConfigPath('the root of a served copy', root);
  if (path.resolve(root) === '/') throw new Error("the delta server does not serve the box's own root directory");
  const st = await stat(root).catch(() => null);
  if (!st?.isDirectory()) throw new Error(`the root of a served copy is not a directory: ${root}`);
  return root;
}

/** Runs the writes one after the other: each writes the state as it is when its turn comes. */
function serialized(): (write: () => Promise<void>) => Promise<void> {
  let queue: Promise<void> = Promise.resolve();
  return (write) => {
    const done = queue.then(write);
    queue = done.catch(() => undefined);
    return done;
  };
}

async function writeSecretsThenConfig(paths: StatePaths, modules: Module[]): Promise<void> {
  await replaceFile(paths.secrets, renderSecrets(modules));
  await replaceFile(paths.config, renderConfig(paths, modules));
}

async function writeConfigThenSecrets(paths: StatePaths, modules: Module[]): Promise<void> {
  await replaceFile(paths.config, renderConfig(paths, modules));
  await replaceFile(paths.secrets, renderSecrets(modules));
}

/** Write a temporary file (0600: strict modes wants the secrets file private), then rename it over the old one. */
async function replaceFile(file: string, text: string): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Stops the daemon a worker killed with SIGKILL left running, if the pid file still names it. */
async function stopLeftover(paths: StatePaths, log: (line: string) => void): Promise<void> {
  const text = await readFile(paths.pid, 'utf8').catch(() => null);
  if (text === null) return;
  const pid = Number(text.trim());
  if (Number.isInteger(pid) && pid > 1 && !(await isGone(pid))) {
    if (!(await isDaemonOf(pid, paths.config))) {
      log(`delta server: ${paths.pid} names pid ${pid}, which is not rsync with this config: left alone`);
    } else {
      // its own process group (we start it so): its connections go with it
      const group = (await processGroup(pid)) === pid;
      if (!(await terminate(pid, group)))
        throw new Error(`could not stop the leftover rsync daemon (pid ${pid}) of ${paths.config}; kill it by hand`);
      log(`delta server: stopped the rsync daemon an earlier worker left running (pid ${pid})`);
    }
  }
  await rm(paths.pid, { force: true });
}

/** SIGTERM (rsync removes its pid file), then SIGKILL; true once the process is gone. */
async function terminate(pid: number, group: boolean): Promise<boolean> {
  for (const [signal, wait] of [
    ['SIGTERM', STOP_GRACE_MS],
    ['SIGKILL', STOP_GRACE_MS],
  ] as const) {
    try {
      process.kill(group ? -pid : pid, signal);
    } catch {
      return true;
    }
    for (const until = Date.now() + wait; Date.now() < until; await sleep(25)) if (await isGone(pid)) return true;
  }
  return isGone(pid);
}

async function checkPortFree(address: string, port: number): Promise<void> {
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host: address, port, exclusive: true }, resolve);
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw portTaken(address, port);
    if (code === 'EADDRNOTAVAIL')
      throw new Error(`the delta server cannot listen on ${address}: not an address of this box; set its address`);
    throw new Error(`the delta server cannot listen on ${address}:${port}: ${(err as Error).message}`);
  } finally {
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }
}

function portTaken(address: string, port: number): Error {
  return new Error(
    `the delta server cannot listen on ${address}:${port}: port ${port} is in use by another program. ` +
      "Stop that program or set another port in the box's delta server port setting " +
      "(before any run's cutover: the port is written into the VM's disk).",
  );
}

async function startDaemon(
  paths: StatePaths,
  address: string,
  port: number,
  log: (line: string) => void,
): Promise<Daemon> {
  // its output goes to a file, not a pipe: a daemon that outlives a killed worker must not die of SIGPIPE
  const out = await open(path.join(path.dirname(paths.config), 'rsyncd.out'), 'w', 0o600);
  const argv = ['--daemon', '--no-detach', `--config=${paths.config}`, `--address=${address}`, `--port=${port}`];
  let child: ChildProcess;
  try {
    child = spawn('rsync', argv, { detached: true, stdio: ['ignore', out.fd, out.fd] });
  } finally {
    await out.close();
  }
  const daemon: Daemon = { child, pid: child.pid ?? 0, exitReason: null, stopping: false, exited: Promise.resolve('') };
  daemon.exited = new Promise((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      daemon.exitReason =
        err.code === 'ENOENT'
          ? 'could not start: rsync is not installed on this box (apt-get install rsync)'
          : String(err);
      resolve(daemon.exitReason);
    });
    child.once('exit', (code, signal) => {
      daemon.exitReason ??= `exited (${signal ?? `code ${code}`})`;
      resolve(daemon.exitReason);
    });
  });
  void daemon.exited.then(async (reason) => {
    if (!daemon.stopping) log(`delta server: the rsync daemon ${reason}: ${await daemonTail(paths)}`);
  });
  await waitReady(daemon, paths, address, port);
  log(`delta server: rsync daemon (pid ${daemon.pid}) listening on ${address}:${port}`);
  return daemon;
}

async function waitReady(daemon: Daemon, paths: StatePaths, address: string, port: number): Promise<void> {
  const until = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < until) {
    if (daemon.exitReason) {
      const tail = await daemonTail(paths);
      if (/Address already in use/.test(tail)) throw portTaken(address, port);
      throw new Error(`the delta server's rsync daemon ${daemon.exitReason} at start: ${tail}`);
    }
    // a listening socket of the daemon itself, not just something answering on the port
    if (daemon.pid && (await listensOn(daemon.pid, port))) return;
    await sleep(25);
  }
  await stopDaemon(daemon, paths);
  throw new Error(
    `the delta server's rsync daemon did not listen on ${address}:${port} within ${READY_TIMEOUT_MS / 1000} s: ${await daemonTail(paths)}`,
  );
}

async function stopDaemon(daemon: Daemon, paths: StatePaths): Promise<void> {
  daemon.stopping = true;
  if (!daemon.exitReason && daemon.pid) {
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      try {
        // the group: the daemon and the processes serving its connections
        process.kill(-daemon.pid, signal);
      } catch {
        break;
      }
      const stopped = await Promise.race([daemon.exited.then(() => true), sleep(STOP_GRACE_MS, false)]);
      if (stopped) break;
    }
  }
  await daemon.exited;
  // after a SIGKILL rsync could not remove it; the next start would find a dead pid in it
  const pid = await readFile(paths.pid, 'utf8').catch(() => '');
  if (pid.trim() === String(daemon.pid)) await rm(paths.pid, { force: true });
}

/** The last lines the daemon wrote (its log file, then its output), for an error message. */
async function daemonTail(paths: StatePaths): Promise<string> {
  const lines: string[] = [];
  for (const file of [paths.log, path.join(path.dirname(paths.config), 'rsyncd.out')]) {
    const text = await readFile(file, 'utf8').catch(() => '');
    lines.push(...text.split('\n').filter(Boolean).slice(-8));
  }
  return lines.length ? lines.join(' | ') : '(the daemon wrote nothing)';
}
