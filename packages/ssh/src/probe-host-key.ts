// First contact with a source host: read its host key without logging in, so
// an engineer can compare the fingerprint with the one on the hypervisor's
// console and accept it. The verifier refuses the key, which ends the
// handshake before any authentication is attempted.
import { AppError } from '@vzferry/core';
import { Client } from 'ssh2';
import { hostKeyOf, serverHostKeyAlgorithmsFor, type HostKey } from './host-key';

export interface ProbeOptions {
  host: string;
  port: number;
  timeoutMs?: number;
  /** ask for a key of this type (e.g. the one pinned before); default: ssh2's preference */
  algorithm?: string;
}

export function probeHostKey(opts: ProbeOptions): Promise<HostKey> {
  const where = `${opts.host}:${opts.port}`;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const client = new Client();
    let key: HostKey | null = null;
    // the host may come back: a connection that fails is source_unreachable, with its errno kept
    const unreachable = (message: string, cause: Error) => new AppError('source_unreachable', message, { cause });
    const timer = setTimeout(
      () =>
        finish(
          unreachable(
            `no SSH host key from ${where} within ${timeoutMs} ms: is the address and port right, and is sshd running?`,
            Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }),
          ),
        ),
      timeoutMs,
    );
    const finish = (err: Error | null) => {
      clearTimeout(timer);
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      client.end();
      if (key) resolve(key);
      else reject(err ?? new Error(`${where} closed the connection before showing a host key`));
    };
    client.on('error', (err) =>
      finish(key ? null : unreachable(`cannot read the SSH host key of ${where}: ${err.message}`, err)),
    );
    client.on('close', () => finish(null));
    client.connect({
      host: opts.host,
      port: opts.port,
      username: 'vzferry-host-key-probe',
      readyTimeout: timeoutMs,
      ...(opts.algorithm ? { algorithms: { serverHostKey: serverHostKeyAlgorithmsFor(opts.algorithm) } } : {}),
      hostVerifier: (blob: Buffer) => {
        try {
          key = hostKeyOf(blob);
        } catch (err) {
          finish(err instanceof Error ? err : new Error(String(err)));
        }
        return false;
      },
    });
  });
}
