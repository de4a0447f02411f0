// A source host's login for OpenSSH's own ssh (what rsync runs): the
// decrypted private key and the pinned host key exist as files only while
// one command runs, in a fresh 0700 directory on a tmpfs (memory, never a
// disk), and are removed as soon as it ends: succeeded, failed or aborted.
// A worker killed meanwhile leaves its directory behind; the next start
// removes the directories of processes that are gone (removeStaleKeyDirs).
import { mkdtemp, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { processAlive } from './process-alive';
import { knownHostsLine, opensshArgv } from './known-hosts';

export interface OpenSshLogin {
  host: string;
  port: number;
  username: string;
  /** the decrypted private key (OpenSSH or PEM text) */
  privateKey: string;
  /** the pinned host key: its algorithm and base64 blob */
  hostKeyAlgorithm: string;
  hostPublicKey: string;
}

/** statfs(2) f_type of a tmpfs (linux/magic.h TMPFS_MAGIC) */
const TMPFS_MAGIC = 0x01021994;
/** where the key files may go: tmpfs mounts every Debian system has */
export const KEY_TMPFS_DIRS = ['/dev/shm', '/run'] as const;
const PREFIX = 'vzferry-ssh-';
/** the name of a key directory, with the pid of the process that made it */
const KEY_DIR = /^vzferry-ssh-(\d+)-/;

/**
 * Runs `command` with the argv of OpenSSH's ssh for this login (pinned host
 * key, the key file, no config file, no agent); the files it names exist
 * only until `command` settles.
 */
export async function withOpenSsh<T>(
  login: OpenSshLogin,
  command: (sshArgv: string[]) => Promise<T>,
  opts: { tmpfsDirs?: readonly string[] } = {},
): Promise<T> {
  const known = knownHostsLine(login.host, login.port, login.hostKeyAlgorithm, login.hostPublicKey);
  // mkdtemp makes the directory 0700; the pid in its name tells a later start whether it is stale
  const dir = await mkdtemp(path.join(await keyTmpfs(opts.tmpfsDirs ?? KEY_TMPFS_DIRS), `${PREFIX}${process.pid}-`));
  try {
    const identityFile = path.join(dir, 'id');
    const knownHostsFile = path.join(dir, 'known_hosts');
    await writeFile(identityFile, withFinalNewline(login.privateKey), { mode: 0o600, flag: 'wx' });
    await writeFile(knownHostsFile, `${known}\n`, { mode: 0o600, flag: 'wx' });
    return await command(
      opensshArgv({
        port: login.port,
        identityFile,
        knownHostsFile,
        username: login.username,
        hostKeyAlgorithm: login.hostKeyAlgorithm,
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** OpenSSH refuses a private key file whose last line has no newline */
function withFinalNewline(key: string): string {
  return key.endsWith('\n') ? key : `${key}\n`;
}

async function keyTmpfs(candidates: readonly string[]): Promise<string> {
  for (const dir of candidates) {
    const fs = await statfs(dir).catch(() => null);
    if (fs?.type === TMPFS_MAGIC) return dir;
  }
  throw new Error(
    `none of ${candidates.join(', ')} is a tmpfs: the SSH key for rsync is only ever written to memory; mount a tmpfs on /dev/shm`,
  );
}

/** Removes the key directories of processes that no longer run (a worker killed mid-command). */
export async function removeStaleKeyDirs(dirs: readonly string[] = KEY_TMPFS_DIRS): Promise<string[]> {
  const removed: string[] = [];
  for (const dir of dirs) {
    for (const name of await readdir(dir).catch(() => [])) {
      const pid = KEY_DIR.exec(name)?.[1];
      if (!pid || processAlive(Number(pid))) continue;
      await rm(path.join(dir, name), { recursive: true, force: true });
      removed.push(path.join(dir, name));
    }
  }
  return removed;
}
