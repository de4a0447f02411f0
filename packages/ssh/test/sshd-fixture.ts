// A real OpenSSH sshd for integration tests: a random free port on
// 127.0.0.1, a fresh host key, key-only login as the current user (root on
// the test machines) with a fresh client key, and an optional PATH prefix
// for the sessions (fake tools of a simulated hypervisor). Everything lives
// in one temp dir that stop() removes.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/free-port';

export interface SshdFixture {
  host: string;
  port: number;
  username: string;
  dir: string;
  clientKeyPath: string;
  clientPrivateKey: string;
  hostKeyPath: string;
  /** "SHA256:..." as ssh-keygen -lf prints it */
  hostKeyFingerprint: string;
  hostKeyAlgorithm: string;
  /** base64 public key blob */
  hostPublicKey: string;
  /** replaces the host key and restarts sshd on the same port */
  rotateHostKey(): Promise<void>;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** directories put first on the PATH of every session */
  pathPrefix?: string[];
  hostKeyType?: 'ed25519' | 'ecdsa' | 'rsa';
  /** more environment of every session (sshd SetEnv; values without spaces) */
  env?: Record<string, string>;
  /** extra sshd_config lines */
  config?: string[];
}

export async function startSshd(opts: SshdOptions = {}): Promise<SshdFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-sshd-'));
  const hostKeyPath = path.join(dir, 'host_key');
  const clientKeyPath = path.join(dir, 'client_key');
  const type = opts.hostKeyType ?? 'ed25519';
  keygen(hostKeyPath, type);
  keygen(clientKeyPath, 'ed25519');
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(`${clientKeyPath}.pub`));
  // sshd refuses to start without its privilege separation directory
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const sessionPath = [
    ...(opts.pathPrefix ?? []),
    '/usr/local/sbin',
    '/usr/local/bin',
    '/usr/sbin',
    '/usr/bin',
    '/sbin',
    '/bin',
  ].join(':');
  let port = 0;
  let child: ChildProcess | null = null;
  const start = async () => {
    for (let attempt = 0; ; attempt++) {
      port ||= await freePort();
      writeFileSync(
        path.join(dir, 'sshd_config'),
        sshdConfig(dir, port, { ...opts.env, PATH: sessionPath }, opts.config ?? []),
      );
      try {
        child = await launch(dir);
        return;
      } catch (err) {
        if (attempt >= 4) throw err;
        port = 0;
      }
    }
  };
  await start();
  const f: SshdFixture = {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    username: os.userInfo().username,
    dir,
    clientKeyPath,
    clientPrivateKey: readFileSync(clientKeyPath, 'utf8'),
    hostKeyPath,
    hostKeyFingerprint: '',
    hostKeyAlgorithm: '',
    hostPublicKey: '',
    async rotateHostKey() {
      await stopChild(child);
      rmSync(hostKeyPath, { force: true });
      rmSync(`${hostKeyPath}.pub`, { force: true });
      keygen(hostKeyPath, type);
      readHostKey(f);
      await start();
    },
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  readHostKey(f);
  return f;
}

function readHostKey(f: SshdFixture): void {
  const [algorithm, blob] = readFileSync(`${f.hostKeyPath}.pub`, 'utf8').trim().split(' ');
  f.hostKeyAlgorithm = algorithm!;
  f.hostPublicKey = blob!;
  f.hostKeyFingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', f.hostKeyPath])
    .toString()
    .split(' ')[1]!;
}

function keygen(file: string, type: string): void {
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(type === 'rsa' ? ['-b', '2048'] : []),
    '-N',
    '',
    '-C',
    'vzferry-test',
    '-f',
    file,
  ]);
}

function sshdConfig(dir: string, port: number, env: Record<string, string>, extra: string[]): string {
  for (const [k, v] of Object.entries(env))
    if (/\s|"/.test(k + v)) throw new Error(`session environment ${k} must not contain spaces or quotes`);
  // sshd keeps the first value of a keyword: the caller's lines come first
  return [
    ...extra,
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${dir}/host_key`,
    `PidFile ${dir}/sshd.pid`,
    `AuthorizedKeysFile ${dir}/authorized_keys`,
    'AuthenticationMethods publickey',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    'StrictModes no',
    'MaxStartups 50',
    'LogLevel ERROR',
    `SetEnv ${Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
    '',
  ].join('\n');
}

function launch(dir: string): Promise<ChildProcess> {
  // -E: the log goes to <dir>/sshd.log (read it when a test needs to know why)
  const sshd = ['/usr/sbin/sshd', '-D', '-E', path.join(dir, 'sshd.log'), '-f', path.join(dir, 'sshd_config')];
  const argv = quietShell(dir, sshd);
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'ignore'] });
  const log = () => {
    try {
      return readFileSync(path.join(dir, 'sshd.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
    } catch {
      return '';
    }
  };
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const probe = net.connect(
        Number(/^Port (\d+)/m.exec(readFileSync(path.join(dir, 'sshd_config'), 'utf8'))![1]),
        '127.0.0.1',
      );
      probe.once('connect', () => {
        probe.destroy();
        clearInterval(poll);
        resolve(child);
      });
      probe.once('error', () => probe.destroy());
    }, 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`sshd exited with ${code}: ${log()}`));
    });
  });
}

/**
 * sshd runs every command through the user's shell, and bash sources
 * ~/.bashrc when sshd starts it. A heavy .bashrc (this machine's root one
 * runs `pyenv init`: 0.7 s) would make every remote command that slow. As
 * root, sshd gets a mount namespace of its own where an empty file hides
 * ~/.bashrc; the rest of the machine is untouched.
 */
function quietShell(dir: string, argv: string[]): string[] {
  const bashrc = path.join(os.homedir(), '.bashrc');
  if (process.getuid?.() !== 0 || !existsSync(bashrc)) return argv;
  const empty = path.join(dir, 'empty-bashrc');
  writeFileSync(empty, '');
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    // the namespace copies this machine's mounts, among them the work disks a
    // converter box of a parallel test has mounted right now: holding them
    // would keep their file systems alive after the box unmounts them
    `awk '$1 ~ "^/dev/loop" { print $2 }' /proc/self/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done; ` +
      'mount --bind "$1" "$2" && shift 2 && exec "$@"',
    'sh',
    empty,
    bashrc,
    ...argv,
  ];
}

async function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}
