// The pinned host key in OpenSSH's own formats, for the tools that are not
// ssh2: rsync runs OpenSSH's ssh with a known_hosts file holding exactly the
// accepted key and StrictHostKeyChecking=yes, so it refuses any other key as
// our ssh2 connections do.
import { keyTypeOf, signatureAlgorithmsFor } from './host-key';

const HOST = /^[A-Za-z0-9.:_-]+$/;

/** One known_hosts line (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"); `[host]:port` unless port 22. */
export function knownHostsLine(host: string, port: number, algorithm: string, publicKeyBase64: string): string {
  if (!HOST.test(host)) throw new Error(`"${host}" is not a host name or address usable in known_hosts`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port ${port} is out of range`);
  const blob = Buffer.from(publicKeyBase64, 'base64');
  if (blob.toString('base64') !== publicKeyBase64) throw new Error('the host public key is not canonical base64');
  const type = keyTypeOf(blob);
  if (type !== algorithm) throw new Error(`the host public key is a ${type} key, not ${algorithm}`);
  const name = port === 22 ? host : `[${host}]:${port}`;
  return `${name} ${algorithm} ${publicKeyBase64}`;
}

export interface OpenSshOptions {
  port: number;
  /** file holding knownHostsLine() of the pinned key */
  knownHostsFile: string;
  identityFile: string;
  /** the pinned key's type: ssh then negotiates only that key */
  hostKeyAlgorithm: string;
  username?: string;
  connectTimeoutSec?: number;
}

/**
 * argv of OpenSSH's ssh that trusts only the pinned key and never prompts.
 * No config file (-F /dev/null: nothing of ~/.ssh/config or /etc/ssh/ssh_config
 * applies), no agent and no key but the login's, no forwarding of the agent.
 * For rsync, pass rsyncRemoteShell(argv) as its -e option.
 */
export function opensshArgv(opts: OpenSshOptions): string[] {
  const o = (kv: string) => ['-o', kv];
  return [
    'ssh',
    '-F',
    '/dev/null',
    '-p',
    String(opts.port),
    '-i',
    opts.identityFile,
    ...(opts.username ? ['-l', opts.username] : []),
    ...o('IdentitiesOnly=yes'),
    ...o('IdentityAgent=none'),
    ...o('ForwardAgent=no'),
    ...o('BatchMode=yes'),
    ...o('StrictHostKeyChecking=yes'),
    ...o(`UserKnownHostsFile=${opts.knownHostsFile}`),
    ...o('GlobalKnownHostsFile=/dev/null'),
    ...o('UpdateHostKeys=no'),
    ...o(`HostKeyAlgorithms=${signatureAlgorithmsFor(opts.hostKeyAlgorithm).join(',')}`),
    ...o(`ConnectTimeout=${opts.connectTimeoutSec ?? 20}`),
    ...o('ServerAliveInterval=15'),
    ...o('ServerAliveCountMax=4'),
    ...o('LogLevel=ERROR'),
  ];
}

/**
 * rsync splits its -e string on spaces and honours single and double quotes
 * but not backslashes (rsync(1), --rsh): quote each word accordingly.
 */
export function rsyncRemoteShell(argv: readonly string[]): string {
  return argv
    .map((w) => {
      if (w !== '' && !/[\s'"]/.test(w)) return w;
      if (!w.includes("'")) return `'${w}'`;
      if (!w.includes('"')) return `"${w}"`;
      throw new Error(`cannot pass ${JSON.stringify(w)} to rsync -e: it holds both quote characters`);
    })
    .join(' ');
}
