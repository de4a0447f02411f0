// The pinned key used by OpenSSH's own ssh (what rsync runs): it connects
// with the known_hosts line we write, copies with rsync, and refuses the host
// once its key changes, as SshExecutor does.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  knownHostsLine,
  opensshArgv,
  probeHostKey,
  rsyncRemoteShell,
  SshExecutor,
  SshHostKeyMismatch,
} from '../src/index';
import { startSshd, type SshdFixture } from './sshd-fixture';

let sshd: SshdFixture;
let work: string;

beforeAll(async () => {
  sshd = await startSshd();
  work = mkdtempSync(path.join(os.tmpdir(), 'vzferry-openssh-'));
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(work, { recursive: true, force: true });
});

function sshArgv(): string[] {
  const knownHostsFile = path.join(work, 'known_hosts');
  writeFileSync(knownHostsFile, knownHostsLine(sshd.host, sshd.port, sshd.hostKeyAlgorithm, sshd.hostPublicKey) + '\n');
  return opensshArgv({
    port: sshd.port,
    knownHostsFile,
    identityFile: sshd.clientKeyPath,
    hostKeyAlgorithm: sshd.hostKeyAlgorithm,
    username: sshd.username,
  });
}

describe('pinning with OpenSSH and rsync', () => {
  it('ssh accepts the pinned key and rsync copies through it', () => {
    const argv = sshArgv();
    const out = execFileSync(argv[0]!, [...argv.slice(1), sshd.host, 'echo', 'pinned-ok']).toString();
    expect(out).toBe('pinned-ok\n');
    const src = path.join(work, 'src');
    mkdirSync(src);
    writeFileSync(path.join(src, 'file with spaces.txt'), 'payload ✓');
    const dst = path.join(work, 'dst');
    execFileSync('rsync', ['-a', '-e', rsyncRemoteShell(argv), `${sshd.host}:${src}/`, `${dst}/`]);
    expect(readFileSync(path.join(dst, 'file with spaces.txt'), 'utf8')).toBe('payload ✓');
  });

  it('after the host key changes, ssh, probe and SshExecutor all see it and refuse', async () => {
    const argv = sshArgv();
    const pinned = sshd.hostKeyFingerprint;
    await sshd.rotateHostKey();
    expect(sshd.hostKeyFingerprint).not.toBe(pinned);
    const res = spawnSync(argv[0]!, [...argv.slice(1), sshd.host, 'echo', 'should-not-run']);
    expect(res.status).toBe(255);
    expect(res.stderr.toString()).toMatch(
      /host key .*(changed|verification failed)|REMOTE HOST IDENTIFICATION HAS CHANGED/is,
    );
    expect((await probeHostKey({ host: sshd.host, port: sshd.port })).fingerprint).toBe(sshd.hostKeyFingerprint);
    const err = await SshExecutor.connect({
      host: sshd.host,
      port: sshd.port,
      username: sshd.username,
      privateKey: sshd.clientPrivateKey,
      pinnedFingerprint: pinned,
      hostKeyAlgorithm: 'ssh-ed25519',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshHostKeyMismatch);
    expect(err).toMatchObject({ expected: pinned, actual: sshd.hostKeyFingerprint });
  });

  it('probes other key types with the algorithm OpenSSH reports', async () => {
    const ecdsa = await startSshd({ hostKeyType: 'ecdsa' });
    try {
      const key = await probeHostKey({ host: ecdsa.host, port: ecdsa.port });
      expect(key).toEqual({
        fingerprint: ecdsa.hostKeyFingerprint,
        algorithm: ecdsa.hostKeyAlgorithm,
        publicKey: ecdsa.hostPublicKey,
      });
      expect(key.algorithm).toBe('ecdsa-sha2-nistp256');
    } finally {
      await ecdsa.stop();
    }
  });
});
