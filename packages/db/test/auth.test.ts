// Sign-in, sessions, users and the audit log against a real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@vzferry/core';
import {
  changePassword,
  changeUser,
  completeSetup,
  createUser,
  currentUser,
  listAudit,
  prepareFirstStart,
  recordAudit,
  signIn,
  signOut,
  SIGN_IN_FAILURES_PER_ACCOUNT,
  SIGN_IN_FAILURES_PER_ADDRESS,
  type AuthOptions,
} from '../src';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let t: TestDatabase;
const o: AuthOptions = { baseURL: 'http://127.0.0.1:3000', secret: 'a'.repeat(64) };
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  t = await createTestDatabase('auth');
});
afterAll(async () => {
  await t?.drop();
});

/** The Cookie header a browser would send back after these Set-Cookie values. */
function cookieHeader(setCookies: string[]): Headers {
  return new Headers({ cookie: setCookies.map((c) => c.split(';')[0]).join('; ') });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return (err as AppError).code;
}

const signInAs = (email: string, password = PASSWORD, ip: string | null = '192.0.2.10') =>
  signIn(t.db, o, { email, password, ip, userAgent: 'vitest' });

describe('sign-in', () => {
  it('signs a user in with an http-only SameSite=Lax cookie that leads back to the user and role', async () => {
    await createUser(t.db, o, { email: 'Eng@Example.com', name: 'Eng', role: 'engineer', password: PASSWORD });
    const { user, cookies } = await signInAs('eng@example.com');
    expect(user).toMatchObject({ email: 'eng@example.com', role: 'engineer' });
    const session = cookies.find((c) => c.startsWith('vzferry.session_token='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).not.toMatch(/Secure/i);
    expect(await currentUser(t.db, o, cookieHeader(cookies))).toMatchObject({
      email: 'eng@example.com',
      role: 'engineer',
    });
    // the password is stored hashed with scrypt (salt:key), never as given
    const account = await t.prisma.account.findFirstOrThrow({ where: { user: { email: 'eng@example.com' } } });
    expect(account.password).not.toContain(PASSWORD);
    expect(account.password).toMatch(/^[0-9a-f]+:[0-9a-f]+$/);
  });

  it('uses Secure cookies when the web app is reached over HTTPS', async () => {
    const https = { ...o, baseURL: 'https://vzferry.example.net' };
    await createUser(t.db, https, { email: 'tls@example.com', name: 'TLS', role: 'support', password: PASSWORD });
    const { cookies } = await signIn(t.db, https, {
      email: 'tls@example.com',
      password: PASSWORD,
      ip: null,
      userAgent: null,
    });
    expect(cookies.find((c) => c.includes('session_token='))).toMatch(/Secure/);
  });

  it('answers for an e-mail without an account as for one with it: locked after the same failures', async () => {
    for (let i = 1; i <= SIGN_IN_FAILURES_PER_ACCOUNT; i++)
      expect(await codeOf(signInAs('nobody@example.com', 'wrong password!', `192.0.2.${60 + i}`))).toBe(
        'sign_in_failed',
      );
    expect(await codeOf(signInAs('nobody@example.com', 'wrong password!', '192.0.2.70'))).toBe('account_locked');
  });

  it('refuses a wrong password, and locks the account after too many in a row, even for the right one', async () => {
    await createUser(t.db, o, { email: 'sup@example.com', name: 'Sup', role: 'support', password: PASSWORD });
    for (let i = 1; i < SIGN_IN_FAILURES_PER_ACCOUNT; i++)
      expect(await codeOf(signInAs('sup@example.com', 'wrong password!', `192.0.2.${20 + i}`))).toBe('sign_in_failed');
    expect(await codeOf(signInAs('sup@example.com', 'wrong password!', '192.0.2.40'))).toBe('sign_in_failed');
    expect(await codeOf(signInAs('sup@example.com', PASSWORD, '192.0.2.41'))).toBe('account_locked');
    const attempts = await t.prisma.signInAttempt.count({ where: { email: 'sup@example.com', succeeded: false } });
    expect(attempts).toBe(SIGN_IN_FAILURES_PER_ACCOUNT + 1);
  });

  it('makes an address with too many failures wait, whichever account it tries', async () => {
    const ip = '198.51.100.77';
    for (let i = 0; i < SIGN_IN_FAILURES_PER_ADDRESS; i++)
      await codeOf(signInAs(`nobody${i}@example.com`, 'wrong password!', ip));
    expect(await codeOf(signInAs('eng@example.com', PASSWORD, ip))).toBe('too_many_sign_ins');
    // another address is not affected
    await expect(signInAs('eng@example.com', PASSWORD, '198.51.100.78')).resolves.toBeTruthy();
  });

  it('signs out: the cookie no longer leads to a user', async () => {
    const { cookies } = await signInAs('eng@example.com');
    const cleared = await signOut(t.db, o, cookieHeader(cookies));
    expect(cleared.some((c) => /session_token=;/.test(c) || /Max-Age=0/i.test(c))).toBe(true);
    expect(await currentUser(t.db, o, cookieHeader(cookies))).toBeNull();
  });
});

describe('users', () => {
  it('changes a password: the old one no longer works, other sessions end', async () => {
    await createUser(t.db, o, { email: 'pw@example.com', name: 'Pw', role: 'manager', password: PASSWORD });
    const first = await signInAs('pw@example.com');
    const second = await signInAs('pw@example.com');
    expect(
      await codeOf(
        changePassword(t.db, o, cookieHeader(first.cookies), {
          currentPassword: 'not it at all',
          newPassword: 'a brand new password',
        }),
      ),
    ).toBe('password_rejected');
    await changePassword(t.db, o, cookieHeader(first.cookies), {
      currentPassword: PASSWORD,
      newPassword: 'a brand new password',
    });
    expect(await currentUser(t.db, o, cookieHeader(second.cookies))).toBeNull();
    expect(await codeOf(signInAs('pw@example.com'))).toBe('sign_in_failed');
    await expect(signInAs('pw@example.com', 'a brand new password')).resolves.toBeTruthy();
  });

  it('disabling a user ends their sessions and refuses their sign-in; a role change ends sessions too', async () => {
    const { id } = await createUser(t.db, o, {
      email: 'gone@example.com',
      name: 'Gone',
      role: 'engineer',
      password: PASSWORD,
    });
    const { cookies } = await signInAs('gone@example.com');
    expect(await changeUser(t.db, o, id, { role: 'support' })).toEqual(['role']);
    expect(await currentUser(t.db, o, cookieHeader(cookies))).toBeNull();
    expect((await signInAs('gone@example.com')).user.role).toBe('support');
    expect(await changeUser(t.db, o, id, { disabled: true })).toEqual(['disabled']);
    expect(await codeOf(signInAs('gone@example.com'))).toBe('account_disabled');
  });

  it('keeps the last enabled admin, refuses a short password and a second user of one e-mail', async () => {
    const { id } = await createUser(t.db, o, {
      email: 'root@example.com',
      name: 'Root',
      role: 'admin',
      password: PASSWORD,
    });
    expect(await codeOf(changeUser(t.db, o, id, { role: 'engineer' }))).toBe('last_admin');
    expect(await codeOf(changeUser(t.db, o, id, { disabled: true }))).toBe('last_admin');
    expect(
      await codeOf(createUser(t.db, o, { email: 'x@example.com', name: 'X', role: 'support', password: 'short' })),
    ).toBe('invalid_input');
    expect(
      await codeOf(createUser(t.db, o, { email: 'ROOT@example.com', name: 'R2', role: 'support', password: PASSWORD })),
    ).toBe('user_exists');
  });
});

describe('first start', () => {
  it('gives a one-time setup link when no user exists, and it makes the first admin once', async () => {
    const fresh = await createTestDatabase('authsetup');
    try {
      const first = await prepareFirstStart(fresh.db, o, {});
      expect(first.kind).toBe('setup_link');
      const token = first.kind === 'setup_link' ? first.token : '';
      expect(await fresh.prisma.verification.count({ where: { value: token } })).toBe(0); // only its hash is kept
      expect(
        await codeOf(
          completeSetup(fresh.db, o, { token: 'guessed', email: 'a@example.com', name: 'A', password: PASSWORD }),
        ),
      ).toBe('setup_link_invalid');
      await completeSetup(fresh.db, o, { token, email: 'a@example.com', name: 'A', password: PASSWORD });
      expect(
        await codeOf(completeSetup(fresh.db, o, { token, email: 'b@example.com', name: 'B', password: PASSWORD })),
      ).toBe('setup_done');
      expect(
        (await signIn(fresh.db, o, { email: 'a@example.com', password: PASSWORD, ip: null, userAgent: null })).user
          .role,
      ).toBe('admin');
      expect((await prepareFirstStart(fresh.db, o, {})).kind).toBe('users_exist');
    } finally {
      await fresh.drop();
    }
  });

  it('makes the admin of VZFERRY_ADMIN_EMAIL/VZFERRY_ADMIN_PASSWORD', async () => {
    const fresh = await createTestDatabase('authenv');
    try {
      expect(await prepareFirstStart(fresh.db, o, { email: 'ops@example.com', password: PASSWORD })).toEqual({
        kind: 'admin_created',
        email: 'ops@example.com',
      });
    } finally {
      await fresh.drop();
    }
  });
});

describe('the audit log', () => {
  it('records who, role, address, action, target and outcome, and refuses changes and deletions', async () => {
    await recordAudit(t.db, {
      actor: { userId: null, name: 'eng@example.com', role: 'engineer', ip: '192.0.2.9' },
      action: 'batch.start',
      targetType: 'Batch',
      targetId: 'b1',
      outcome: 'batch_state',
    });
    const [row] = await listAudit(t.db, { action: 'batch.', outcome: 'failed', limit: 10 });
    expect(row).toMatchObject({
      actor: 'eng@example.com',
      role: 'engineer',
      ip: '192.0.2.9',
      targetId: 'b1',
      outcome: 'batch_state',
    });
    await expect(t.prisma.auditLog.updateMany({ data: { outcome: 'ok' } })).rejects.toThrow(/append-only/);
    await expect(t.prisma.auditLog.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(t.prisma.$executeRawUnsafe('TRUNCATE "AuditLog"')).rejects.toThrow(/append-only/);
  });
});
