// SshExecutor and probeHostKey against a real OpenSSH sshd (sshd-fixture).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ExecError } from '@vzferry/core';
import { probeHostKey, SshExecutor, SshHostKeyMismatch, type SshConnectOptions } from '../src/index';
import { freePort } from '../src/free-port';
import { startSshd, type SshdFixture } from './sshd-fixture';

let sshd: SshdFixture;
let ssh: SshExecutor;
let scratch: string;

const opts = (over: Partial<SshConnectOptions> = {}): SshConnectOptions => ({
  host: sshd.host,
  port: sshd.port,
  username: sshd.username,
  privateKey: sshd.clientPrivateKey,
  pinnedFingerprint: sshd.hostKeyFingerprint,
  hostKeyAlgorithm: sshd.hostKeyAlgorithm,
  ...over,
});

beforeAll(async () => {
  sshd = await startSshd();
  ssh = await SshExecutor.connect(opts());
  scratch = mkdtempSync(path.join(os.tmpdir(), 'vzferry-ssh-scratch-'));
});
afterAll(async () => {
  await ssh?.close();
  await sshd?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const HOSTILE = [
  '$(touch /tmp/vzferry-ssh-pwned)',
  '`touch /tmp/vzferry-ssh-pwned`',
  '; touch /tmp/vzferry-ssh-pwned',
  '&& rm -rf / #',
  'it\'s "quoted"',
  'two\nlines',
  '\\$HOME',
  '*',
  '',
  '-n',
  'ümlaut ✓ 日本',
];

describe('probeHostKey', () => {
  it('reports the fingerprint exactly as ssh-keygen -lf prints it, without logging in', async () => {
    const key = await probeHostKey({ host: sshd.host, port: sshd.port });
    expect(key).toEqual({
      fingerprint: sshd.hostKeyFingerprint,
      algorithm: 'ssh-ed25519',
      publicKey: sshd.hostPublicKey,
    });
    expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('says clearly when nothing listens', async () => {
    await expect(probeHostKey({ host: '127.0.0.1', port: 1, timeoutMs: 3000 })).rejects.toThrow(
      /cannot read the SSH host key of 127\.0\.0\.1:1/,
    );
  });
});

describe('SshExecutor', () => {
  it('runs commands over one pinned connection', async () => {
    expect((await ssh.exec(['echo', 'hello'])).stdout).toBe('hello\n');
    expect(ssh.where).toBe(`${sshd.username}@127.0.0.1:${sshd.port}`);
  });

  it('delivers hostile arguments literally and runs none of them', async () => {
    const res = await ssh.exec(['printf', '%s\\0', ...HOSTILE]);
    expect(res.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE);
    expect(existsSync('/tmp/vzferry-ssh-pwned')).toBe(false);
  });

  it('throws ExecError with the exit code, or returns it when allowed', async () => {
    const err = await ssh.exec(['sh', '-c', 'echo out; echo why >&2; exit 3']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecError);
    expect(err).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'why\n', timedOut: false, where: ssh.where });
    expect((err as Error).message).toMatch(/exited with 3: why/);
    expect((await ssh.exec(['sh', '-c', 'exit 3'], { allowExitCodes: [0, 3] })).code).toBe(3);
  });

  it('passes stdin, env and cwd', async () => {
    expect((await ssh.exec(['cat'], { stdin: 'from stdin ✓' })).stdout).toBe('from stdin ✓');
    expect((await ssh.exec(['sh', '-c', 'printf %s "$GREETING"'], { env: { GREETING: "hi $(id) 'x'" } })).stdout).toBe(
      "hi $(id) 'x'",
    );
    expect((await ssh.exec(['pwd'], { cwd: scratch })).stdout).toBe(`${scratch}\n`);
  });

  it('keeps stderr exact when the command writes to it first thing', async () => {
    const res = await ssh.exec(['sh', '-c', 'printf "first\\n" >&2; printf "x" >&2; exit 0']);
    expect(res.stderr).toBe('first\nx');
    const err = await ssh.exec(['sh', '-c', 'printf "no newline" >&2; exit 4']).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 4, stderr: 'no newline' });
  });

  it('streams output as it comes', async () => {
    const chunks: [string, number][] = [];
    const started = Date.now();
    await ssh.exec(['sh', '-c', 'echo one; sleep 0.6; echo two; echo err >&2'], {
      onStdout: (c) => chunks.push([c, Date.now() - started]),
      onStderr: (c) => chunks.push([`E:${c}`, Date.now() - started]),
    });
    expect(chunks.map((c) => c[0]).join('')).toBe('one\ntwo\nE:err\n');
    // "one" arrived before the command slept, not with the rest at the end
    // (a gap, not a deadline: it holds on a loaded machine too)
    const two = chunks.find((c) => c[0].includes('two'))!;
    expect(two[1] - chunks[0]![1]).toBeGreaterThanOrEqual(450);
  });

  it('keeps the end of big output with a marker', async () => {
    const res = await ssh.exec(['sh', '-c', 'head -c 3000000 /dev/zero | tr "\\000" a; echo END'], {
      maxCaptureBytes: 100_000,
    });
    expect(res.stdout).toMatch(/^\[\.\.\. 2900004 bytes of earlier output not kept \.\.\.\]\n/);
    expect(res.stdout.endsWith('aaaaEND\n')).toBe(true);
  });

  it('stops a command at its time-out and kills the remote process', async () => {
    const marker = `${31 + Math.random()}`;
    const started = Date.now();
    const err = await ssh.exec(['sleep', marker], { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ timedOut: true, code: null });
    expect((err as Error).message).toMatch(/timed out after 500 ms/);
    expect(Date.now() - started).toBeLessThan(4000);
    await expect.poll(() => remoteProcessCount(`sleep ${marker}`), { timeout: 3000 }).toBe(0);
  });

  it('stops a command when its signal aborts', async () => {
    const marker = `${41 + Math.random()}`;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const err = await ssh.exec(['sleep', marker], { signal: ac.signal }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/was aborted/);
    await expect.poll(() => remoteProcessCount(`sleep ${marker}`), { timeout: 3000 }).toBe(0);
  });

  it('runs many commands at once on the one connection', async () => {
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => ssh.exec(['sh', '-c', `sleep 0.2; echo ${i}`])),
    );
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 25 }, (_, i) => `${i}\n`));
  });

  it('opens a channel the server refused again once a session is free (sshd below MaxSessions but still reaping)', async () => {
    // MaxSessions 1: while one command runs, sshd refuses the next channel ("open failed")
    const tight = await startSshd({ config: ['MaxSessions 1'] });
    const own = await SshExecutor.connect({
      ...opts(),
      port: tight.port,
      pinnedFingerprint: tight.hostKeyFingerprint,
      hostKeyAlgorithm: tight.hostKeyAlgorithm,
      privateKey: tight.clientPrivateKey,
      maxChannels: 2,
    });
    try {
      const results = await Promise.all([
        own.exec(['sh', '-c', 'sleep 0.3; echo first']),
        own.exec(['echo', 'second']),
      ]);
      expect(results.map((r) => r.stdout)).toEqual(['first\n', 'second\n']);
      // a command that keeps the only session longer than the retries last fails with the server's refusal
      const long = own.exec(['sleep', '3']);
      const refused = await own.exec(['echo', 'third']).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ExecError);
      expect((refused as Error).message).toMatch(/could not start over SSH: .*open failed/i);
      await long;
    } finally {
      await own.close();
      await tight.stop();
    }
  });

  it('reconnects after the connection drops', async () => {
    const own = await SshExecutor.connect(opts());
    try {
      // kill this session's sshd process: the connection goes away mid-command
      const err = await own.exec(['sh', '-c', 'kill -9 $PPID; sleep 5']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ExecError);
      expect((await own.exec(['echo', 'again'])).stdout).toBe('again\n');
    } finally {
      await own.close();
    }
  });

  it('refuses a host whose key is not the pinned one, and says what to do', async () => {
    const other = 'SHA256:' + 'A'.repeat(43);
    const err = await SshExecutor.connect(opts({ pinnedFingerprint: other, hostKeyAlgorithm: undefined })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SshHostKeyMismatch);
    expect(err).toMatchObject({ expected: other, actual: sshd.hostKeyFingerprint, host: `127.0.0.1:${sshd.port}` });
    expect((err as Error).message).toMatch(/has changed.*Nothing was run.*accept it on the hosts page/s);
  });

  it('explains a refused login', async () => {
    const wrongKey = execFileSync('sh', [
      '-c',
      `ssh-keygen -q -t ed25519 -N '' -f ${scratch}/other && cat ${scratch}/other`,
    ]).toString();
    await expect(SshExecutor.connect(opts({ privateKey: wrongKey }))).rejects.toThrow(
      /login .* was refused: add the source host's public key/,
    );
  });
});

/** The errno codes along an error's cause chain (what the engine classifies by). */
function causeCodes(err: unknown): unknown[] {
  const codes = [];
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) codes.push(e.code);
  return codes;
}

describe('a source host that refuses or drops the connection (may come back: retryable)', () => {
  it('keeps ECONNREFUSED when a host key probe meets a closed port', async () => {
    const closed = await freePort();
    const err = await probeHostKey({ host: '127.0.0.1', port: closed, timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'source_unreachable', retryable: true });
    expect(causeCodes(err)).toContain('ECONNREFUSED');
  });

  it('keeps ECONNREFUSED when the executor connects to a closed port', async () => {
    const closed = await freePort();
    const err = await SshExecutor.connect(opts({ port: closed })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'source_unreachable', retryable: true });
    expect(causeCodes(err)).toContain('ECONNREFUSED');
  });

  it('says a command lost its connection with an errno, and a host that stays down is refused, retryably', async () => {
    const own = await startSshd();
    const ex = await SshExecutor.connect({
      host: own.host,
      port: own.port,
      username: own.username,
      privateKey: own.clientPrivateKey,
      pinnedFingerprint: own.hostKeyFingerprint,
      hostKeyAlgorithm: own.hostKeyAlgorithm,
    });
    try {
      // this session's sshd process dies: the connection goes away mid-command
      const cut = await ex.exec(['sh', '-c', 'kill -9 $PPID; sleep 5']).catch((e: unknown) => e);
      expect(cut).toBeInstanceOf(ExecError);
      expect(causeCodes(cut).some((c) => typeof c === 'string' && /^E[A-Z]+$/.test(c))).toBe(true);
      await own.stop(); // and the host stays down: its port refuses
      const refused = await ex.exec(['true']).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'source_unreachable', retryable: true });
      expect(causeCodes(refused)).toContain('ECONNREFUSED');
    } finally {
      await ex.close();
    }
  });
});

function remoteProcessCount(pattern: string): number {
  const out = execFileSync('sh', [
    '-c',
    `ps -eo args | grep -F -x -c -- ${JSON.stringify(pattern)} || true`,
  ]).toString();
  return Number(out.trim());
}
