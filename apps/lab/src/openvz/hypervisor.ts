// One simulated hypervisor: a real OpenSSH sshd on 127.0.0.1:<port> with its
// own host key and key-only root login, in a mount namespace of its own where
// the host's directories are where a real OpenVZ node has them: <host>/vz on
// /vz, <host>/etc-vz on /etc/vz, the lab's vzlist/vzctl on /usr/local/sbin
// (first on root's PATH). Running containers are bind-mounted on
// /vz/root/<CTID> as vzctl start would. The mounts vanish with the
// namespace when sshd stops. Needs root (unshare, mount).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Hypervisor {
  name: string;
  port: number;
  stop(): Promise<void>;
}

const NAMESPACE_SCRIPT = `set -e
H="$1"; BIN="$2"; OWNER="$3"; shift 3
# the namespace starts as a copy of this machine's mounts, among them the work
# disks a converter box has mounted right now: holding them would keep their
# file systems alive after the box unmounts them, so let go of them here
awk '$1 ~ "^/dev/loop" { print $2 }' /proc/self/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
mount --bind "$H/vz" /vz
mount --bind "$H/etc-vz" /etc/vz
mount --bind "$BIN" /usr/local/sbin
# root's .bashrc on a developer machine can be slow (pyenv...); a hypervisor's is empty
if [ -f "$HOME/.bashrc" ]; then mount --bind "$H/ssh/empty-bashrc" "$HOME/.bashrc"; fi
for f in /vz/lab/running/*; do
  [ -e "$f" ] || continue
  id="\${f##*/}"
  mkdir -p "/vz/root/$id"
  mount --bind "/vz/private/$id" "/vz/root/$id"
done
set +e
"$@" &
sshd=$!
trap 'kill $sshd 2>/dev/null' TERM INT
# sshd goes when the lab process goes, even if that one was killed
while kill -0 "$OWNER" 2>/dev/null && kill -0 "$sshd" 2>/dev/null; do sleep 1; done
kill "$sshd" 2>/dev/null
wait "$sshd"
`;

export async function startHypervisor(opts: {
  name: string;
  hostDir: string;
  binDir: string;
  port: number;
  authorizedKey: string;
}): Promise<Hypervisor> {
  for (const mountpoint of ['/vz', '/etc/vz']) mkdirSync(mountpoint, { recursive: true });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const ssh = path.join(opts.hostDir, 'ssh');
  writeFileSync(path.join(ssh, 'authorized_keys'), opts.authorizedKey);
  writeFileSync(path.join(ssh, 'empty-bashrc'), '');
  writeFileSync(path.join(ssh, 'sshd_config'), sshdConfig(ssh, opts.port));
  const log = path.join(ssh, 'sshd.log');
  const child = spawn(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      NAMESPACE_SCRIPT,
      'sh',
      opts.hostDir,
      opts.binDir,
      String(process.pid),
      '/usr/sbin/sshd',
      '-D',
      '-E',
      log,
      '-f',
      path.join(ssh, 'sshd_config'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: os.homedir() } },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitForPort(opts.port, child, () =>
    `${stderr}${existsSync(log) ? readFileSync(log, 'utf8') : ''}`.trim().slice(-500),
  );
  return { name: opts.name, port: opts.port, stop: () => stopChild(child) };
}

function sshdConfig(dir: string, port: number): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${dir}/ssh_host_ed25519_key`,
    `PidFile ${dir}/sshd.pid`,
    `AuthorizedKeysFile ${dir}/authorized_keys`,
    'AuthenticationMethods publickey',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    'StrictModes no',
    'MaxStartups 100',
    'MaxSessions 100',
    'LogLevel ERROR',
    '',
  ].join('\n');
}

function waitForPort(port: number, child: ChildProcess, why: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => {
      clearInterval(poll);
      reject(new Error(`the hypervisor's sshd on port ${port} exited with ${code}: ${why()}`));
    };
    child.once('exit', onExit);
    const poll = setInterval(() => {
      const probe = net.connect(port, '127.0.0.1');
      probe.once('connect', () => {
        probe.destroy();
        clearInterval(poll);
        child.off('exit', onExit);
        resolve();
      });
      probe.once('error', () => probe.destroy());
    }, 50);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}
