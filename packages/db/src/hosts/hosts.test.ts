// User input that reaches an SSH connection (a host's address, user, name)
// must be plain data: anything a shell could read as syntax is refused with
// a clear reason before it is stored.
import { describe, expect, it } from 'vitest';
import { sourceHostInputSchema } from './index';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const ok = { name: 'hv1', address: '10.0.0.11', port: 22, username: 'root', privateKey: KEY };

describe('sourceHostInputSchema', () => {
  it('accepts host names, IPv4 and IPv6 addresses', () => {
    for (const address of ['10.0.0.11', 'hv1.dc1.example.net', '2001:db8::11', 'localhost']) {
      expect(sourceHostInputSchema.safeParse({ ...ok, address }).success).toBe(true);
    }
  });

  it.each([
    ['address', '10.0.0.1; rm -rf /'],
    ['address', '$(touch /tmp/pwned)'],
    ['address', 'host`id`'],
    ['address', '-oProxyCommand=sh'],
    ['address', 'a b'],
    ['username', 'root;id'],
    ['username', '-oProxyCommand=x'],
    ['name', '../etc'],
    ['name', 'hv1 && reboot'],
  ])('refuses %s %j', (field, value) => {
    const res = sourceHostInputSchema.safeParse({ ...ok, [field]: value });
    expect(res.success).toBe(false);
    expect(res.error!.issues[0]!.message).toMatch(new RegExp(field === 'address' ? 'host name or an IP' : field));
  });

  it('refuses what is not an unencrypted private key', () => {
    expect(
      sourceHostInputSchema.safeParse({ ...ok, privateKey: 'ssh-ed25519 AAAA... me@laptop' }).error!.issues[0]!.message,
    ).toMatch(/private key/);
  });
});
