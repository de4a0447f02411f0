import { describe, expect, it } from 'vitest';
import { fingerprintOf, keyTypeOf } from './host-key';
import { knownHostsLine, opensshArgv, rsyncRemoteShell } from './known-hosts';
import { remoteCommandLine } from './command-line';

// an ed25519 public key blob: string "ssh-ed25519" + string of 32 bytes
const blob = Buffer.concat([
  Buffer.from([0, 0, 0, 11]),
  Buffer.from('ssh-ed25519'),
  Buffer.from([0, 0, 0, 32]),
  Buffer.alloc(32, 7),
]);
const b64 = blob.toString('base64');

describe('host keys and known_hosts', () => {
  it('reads the key type and fingerprints like OpenSSH (unpadded base64 of SHA-256)', () => {
    expect(keyTypeOf(blob)).toBe('ssh-ed25519');
    expect(fingerprintOf(blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(() => keyTypeOf(Buffer.from([0, 0, 1]))).toThrow(/too short/);
  });

  it('writes [host]:port unless the port is 22', () => {
    expect(knownHostsLine('10.1.2.3', 22, 'ssh-ed25519', b64)).toBe(`10.1.2.3 ssh-ed25519 ${b64}`);
    expect(knownHostsLine('hv1.example.com', 2222, 'ssh-ed25519', b64)).toBe(
      `[hv1.example.com]:2222 ssh-ed25519 ${b64}`,
    );
  });

  it('refuses hosts, keys and algorithms that would corrupt the file or lie', () => {
    expect(() => knownHostsLine('evil host\n* ssh-rsa AAAA', 22, 'ssh-ed25519', b64)).toThrow(/not a host name/);
    expect(() => knownHostsLine('h', 22, 'ssh-rsa', b64)).toThrow(/ssh-ed25519 key, not ssh-rsa/);
    expect(() => knownHostsLine('h', 22, 'ssh-ed25519', b64 + '\n')).toThrow(/base64/);
    expect(() => knownHostsLine('h', 0, 'ssh-ed25519', b64)).toThrow(/port/);
  });

  it('builds an ssh argv that trusts only the pinned key, reads no config, asks no agent and never prompts', () => {
    const argv = opensshArgv({
      port: 2201,
      knownHostsFile: '/w/kh',
      identityFile: '/w/id',
      hostKeyAlgorithm: 'ssh-rsa',
    });
    expect(argv.slice(0, 7)).toEqual(['ssh', '-F', '/dev/null', '-p', '2201', '-i', '/w/id']);
    for (const o of [
      'IdentitiesOnly=yes',
      'IdentityAgent=none',
      'ForwardAgent=no',
      'BatchMode=yes',
      'StrictHostKeyChecking=yes',
      'UserKnownHostsFile=/w/kh',
      'HostKeyAlgorithms=rsa-sha2-512,rsa-sha2-256,ssh-rsa',
    ]) {
      expect(argv).toContain(o);
    }
  });

  it('quotes words for rsync -e', () => {
    expect(rsyncRemoteShell(['ssh', '-o', 'UserKnownHostsFile=/a b/kh', "it's"])).toBe(
      `ssh -o 'UserKnownHostsFile=/a b/kh' "it's"`,
    );
    expect(() => rsyncRemoteShell([`a'"b`])).toThrow(/both quote/);
  });

  it('builds remote lines that announce their PID and exec the command', () => {
    expect(remoteCommandLine(['vzctl', 'status', '101'])).toBe(
      `printf '\\036vzferry-pid %s\\n' "$$" >&2; exec vzctl status 101`,
    );
    expect(remoteCommandLine(['ls'], { cwd: '/a b', env: { LANG: 'C' } })).toBe(
      `printf '\\036vzferry-pid %s\\n' "$$" >&2; cd -- '/a b' && exec env LANG=C ls`,
    );
    expect(() => remoteCommandLine(['ls'], { env: { 'A;B': 'x' } })).toThrow(/environment variable name/);
  });
});
