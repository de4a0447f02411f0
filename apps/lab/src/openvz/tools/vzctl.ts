// The lab's `vzctl`: status, start, stop, restart, mount, umount, exec,
// exec2 and set --onboot/--disabled --save, with vzctl 4.x's messages
// (stdout for progress, stderr for errors) and exit codes
// (include/vzerror.h; test/samples/openvz/vzctl-cli-behaviour.jsonc). A running
// container's private area is bind-mounted on its root, as simfs is; exec
// runs the command chrooted there, with /proc, /sys and /dev mounted.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { errorMessage } from '@vzferry/core';
import { VZ_EXIT } from '@vzferry/openvz';
import { configPath, isRunning, privatePath, readConfig, rootPath, saveConfigValue, setRunning } from './host-state';

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

function mounted(root: string): boolean {
  return spawnSync('mountpoint', ['-q', root]).status === 0;
}

function run(cmd: string, args: string[]): void {
  const res = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${res.stderr.toString().trim()}`);
}

function main(argv: string[]): number {
  const [action, id, ...rest] = argv;
  if (!action || !id || !/^\d+$/.test(id)) {
    err('Invalid command line\nUsage: vzctl [options] <command> <ctid> [parameters]\n');
    return VZ_EXIT.INVALID_PARAMETER_SYNTAX;
  }
  const ctid = Number(id);
  const cfg = readConfig(ctid);
  if (action === 'status') {
    const root = cfg ? rootPath(cfg) : '';
    out(
      `CTID ${ctid} ${cfg ? 'exist' : 'deleted'} ${cfg && mounted(root) ? 'mounted' : 'unmounted'} ${cfg && isRunning(ctid) ? 'running' : 'down'}\n`,
    );
    return 0;
  }
  if (!cfg) {
    err('Container config file does not exist\n');
    return VZ_EXIT.NO_VE_CONFIG;
  }
  const priv = privatePath(cfg);
  const root = rootPath(cfg);
  switch (action) {
    case 'start': {
      if (isRunning(ctid)) {
        err('Container is already running\n');
        return VZ_EXIT.VE_RUNNING;
      }
      if (!existsSync(priv)) {
        err(`Container private area ${priv} does not exist\n`);
        return VZ_EXIT.FS_NO_PRIVATE;
      }
      out('Starting container...\n');
      mount(priv, root);
      out('Container is mounted\n');
      if (cfg.ips.length > 0) out(`Adding IP address(es): ${cfg.ips.map((i) => i.address).join(' ')}\n`);
      out(`Setting CPU units: ${cfg.cpuUnits ?? 1000}\n`);
      setRunning(ctid, true);
      out(
        rest.includes('--wait')
          ? 'Container start in progress, waiting ...\nContainer started successfully\n'
          : 'Container start in progress...\n',
      );
      return 0;
    }
    case 'stop': {
      if (!isRunning(ctid)) {
        err('Unable to stop: container is not running\n');
        return 0;
      }
      out(rest.includes('--fast') ? 'Killing container ...\n' : 'Stopping container ...\n');
      setRunning(ctid, false);
      out('Container was stopped\n');
      if (mounted(root)) run('umount', [root]);
      out('Container is unmounted\n');
      return 0;
    }
    case 'restart': {
      const stopped = main(['stop', id]);
      return stopped === 0 ? main(['start', id]) : stopped;
    }
    case 'mount':
      if (mounted(root)) {
        err('Container is already mounted\n');
        return 0;
      }
      mount(priv, root);
      out('Container is mounted\n');
      return 0;
    case 'umount':
      if (isRunning(ctid)) {
        err('Container is running -- stop it first\n');
        return VZ_EXIT.VE_RUNNING;
      }
      if (mounted(root)) run('umount', [root]);
      out('Container is unmounted\n');
      return 0;
    case 'exec':
    case 'exec2':
      return exec(action, ctid, root, rest);
    case 'set':
      return set(ctid, rest);
    default:
      err(`Invalid action: ${action}\n`);
      return VZ_EXIT.INVALID_PARAMETER_SYNTAX;
  }
}

function mount(priv: string, root: string): void {
  mkdirSync(root, { recursive: true });
  if (!mounted(root)) run('mount', ['--bind', priv, root]);
}

/** vzctl joins its arguments with spaces and runs them with sh -c inside. */
function exec(action: string, ctid: number, root: string, args: string[]): number {
  if (args.length === 0) {
    err('No command line given for exec\n');
    return VZ_EXIT.INVALID_PARAMETER_SYNTAX;
  }
  if (!isRunning(ctid)) {
    err('Container is not running\n');
    return VZ_EXIT.VE_NOT_RUNNING;
  }
  // as inside a real container: /proc, /sys and /dev are there (package scripts need them); the
  // mounts live in a mount namespace of this exec alone, so nothing outlives the command
  const script =
    'for d in proc sys dev; do [ -d "$1/$d" ] || continue; case $d in proc) mount -t proc proc "$1/proc" ;; sys) mount -t sysfs sysfs "$1/sys" ;; dev) mount --rbind /dev "$1/dev" ;; esac; done; exec chroot "$1" /bin/sh -c "$2"';
  const res = spawnSync(
    'unshare',
    ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script, 'vzctl-exec', root, args.join(' ')],
    { stdio: 'inherit' },
  );
  const code = res.status ?? 128 + 9;
  if (action === 'exec2') return code;
  return code === 0 ? 0 : VZ_EXIT.COMMAND_EXECUTION_ERROR;
}

function set(ctid: number, args: string[]): number {
  if (!args.includes('--save')) {
    err('The --save flag is required in the lab: a change to a stopped container would be lost\n');
    return VZ_EXIT.INVALID_PARAMETER_SYNTAX;
  }
  const keys: Record<string, string> = { '--onboot': 'ONBOOT', '--disabled': 'DISABLED' };
  for (let i = 0; i < args.length; i++) {
    const key = keys[args[i]!];
    if (!key) continue;
    const value = args[++i];
    if (value !== 'yes' && value !== 'no') {
      err(`Invalid value for ${args[i - 1]}: ${value ?? ''}\n`);
      return VZ_EXIT.INVALID_PARAMETER_VALUE;
    }
    saveConfigValue(ctid, key, value);
  }
  out(`CT configuration saved to ${configPath(ctid)}\n`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  err(`vzctl: ${errorMessage(e)}\n`);
  process.exitCode = VZ_EXIT.SYSTEM_ERROR;
}
