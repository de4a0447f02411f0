// The decrypted key of a source host on the box: a file only while one
// command runs, in a 0700 directory on a tmpfs, gone after it whether the
// command succeeded, failed or was aborted; OpenSSH reads no config file and
// asks no agent. Against a real sshd, with real ssh and rsync.
import { execFile, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStaleKeyDirs, rsyncRemoteShell, withOpenSsh, type OpenSshLogin } from '../src/index';
import { startSshd, type SshdFixture } from './sshd-fixture';

const run = promisify(execFile);
let sshd: SshdFixture;
let work: string;
let login: OpenSshLogin;

beforeAll(async () => {
  sshd = await startSshd();
  work = mkdtempSync(path.join(os.tmpdir(), 'vzferry-openssh-key-'));
  login = {
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKey: sshd.clientPrivateKey,
    hostKeyAlgorithm: sshd.hostKeyAlgorithm,
    hostPublicKey: sshd.hostPublicKey,
  };
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Our key directories on /dev/shm now. */
const keyDirs = () => readdirSync('/dev/shm').filter((n) => n.startsWith(`vzferry-ssh-${process.pid}-`));
const valueOf = (argv: string[], flag: string) => argv[argv.indexOf(flag) + 1]!;

describe('withOpenSsh', () => {
  it('copies with rsync through a key file that exists only while the command runs', async () => {
    const src = path.join(work, 'src');
    mkdirSync(src);
    writeFileSync(path.join(src, 'payload'), 'copied over ssh');
    let seen: { dir: string; key: string } | null = null;
    await withOpenSsh(login, async (argv) => {
      const key = valueOf(argv, '-i');
      const dir = path.dirname(key);
      seen = { dir, key };
      expect(statfsSync(dir).type).toBe(0x01021994); // tmpfs
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(key).mode & 0o777).toBe(0o600);
      expect(readFileSync(key, 'utf8').trim()).toBe(sshd.clientPrivateKey.trim());
      await run('rsync', ['-a', '-e', rsyncRemoteShell(argv), `${sshd.host}:${src}/`, `${work}/dst/`]);
      const out = await run(argv[0]!, [...argv.slice(1), sshd.host, 'echo', 'ssh-ok']);
      expect(out.stdout).toBe('ssh-ok\n');
    });
    expect(readFileSync(path.join(work, 'dst/payload'), 'utf8')).toBe('copied over ssh');
    expect(seen).not.toBeNull();
    expect(() => statSync(seen!.dir)).toThrow(/ENOENT/);
    expect(keyDirs()).toEqual([]);
  });

  it('removes the key when the command fails, and when it is aborted', async () => {
    const failed = await withOpenSsh(login, async (argv) => {
      await run(argv[0]!, [...argv.slice(1), sshd.host, 'exit', '3']);
    }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 3 });
    expect(keyDirs()).toEqual([]);

    const abort = new AbortController();
    const aborted = await withOpenSsh(login, (argv) => {
      const child = spawn(argv[0]!, [...argv.slice(1), sshd.host, 'sleep', '30'], { signal: abort.signal });
      setTimeout(() => abort.abort(), 300);
      return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', resolve);
      });
    }).catch((e: unknown) => e);
    expect(aborted).toMatchObject({ name: 'AbortError' });
    expect(keyDirs()).toEqual([]);
  });

  it("gives ssh no config file, no agent and only the login's key, and keeps the pinned host key", async () => {
    const argv = await withOpenSsh(login, async (a) => a);
    expect(argv.slice(0, 3)).toEqual(['ssh', '-F', '/dev/null']);
    for (const option of [
      'ForwardAgent=no',
      'IdentitiesOnly=yes',
      'IdentityAgent=none',
      'StrictHostKeyChecking=yes',
      'GlobalKnownHostsFile=/dev/null',
    ])
      expect(argv).toContain(option);
    // the same argv as rsync's -e value
    expect(rsyncRemoteShell(argv)).toMatch(/^ssh -F \/dev\/null -p \d+ /);
  });

  it('removes the key directories of a process that is gone, not those of one that runs', async () => {
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    const stale = path.join('/dev/shm', `vzferry-ssh-${gone.pid}-abcdef`);
    const ours = path.join('/dev/shm', `vzferry-ssh-${process.pid}-abcdef`);
    for (const d of [stale, ours]) {
      mkdirSync(d, { mode: 0o700 });
      writeFileSync(path.join(d, 'id'), 'key', { mode: 0o600 });
    }
    try {
      expect(await removeStaleKeyDirs()).toContain(stale);
      expect(() => statSync(stale)).toThrow(/ENOENT/);
      expect(statSync(ours).isDirectory()).toBe(true);
    } finally {
      rmSync(ours, { recursive: true, force: true });
      rmSync(stale, { recursive: true, force: true });
    }
  });
});
