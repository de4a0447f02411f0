// Signing in and out, and who a request's session belongs to. Sign-in is the
// one door open to anyone, so it is guarded here: an address with too many
// failed sign-ins waits, and an account with too many failures in a row is
// locked for a while (whoever tries). Every attempt is recorded.
import { AppError, isRole, type Role } from '@vzferry/core';
import { APIError } from 'better-auth/api';
import { type Db, prismaOf } from '../client';
import { authOf, type AuthOptions } from './auth-instance';

/** Failed sign-ins from one address within the window before it must wait. */
export const SIGN_IN_FAILURES_PER_ADDRESS = 20;
/** Failed sign-ins in a row before the account is locked. */
export const SIGN_IN_FAILURES_PER_ACCOUNT = 5;
const WINDOW_MS = 15 * 60_000;
const LOCK_MS = 15 * 60_000;

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  role: Role;
}

export interface SignedIn {
  user: SessionUser;
  /** Set-Cookie header values for the answer */
  cookies: string[];
}

export async function signIn(
  db: Db,
  o: AuthOptions,
  input: { email: string; password: string; ip: string | null; userAgent: string | null },
  now = new Date(),
): Promise<SignedIn> {
  const email = input.email.trim().toLowerCase();
  await refuseBusyAddress(db, input.ip, now);
  const user = await prismaOf(db).user.findUnique({ where: { email } });
  const lockedUntil = user ? user.lockedUntil : await lockOfUnknownEmail(db, email, now);
  if (lockedUntil && lockedUntil > now) {
    await recordAttempt(db, email, input.ip, false);
    throw new AppError(
      'account_locked',
      `too many failed sign-ins: this account is locked until ${lockedUntil.toISOString()}`,
    );
  }
  try {
    const { headers, response } = await authOf(db, o).api.signInEmail({
      body: { email, password: input.password, rememberMe: false },
      headers: requestHeaders(input.ip, input.userAgent),
      returnHeaders: true,
    });
    await recordSuccess(db, email, input.ip);
    return { user: toSessionUser(response.user), cookies: headers.getSetCookie() };
  } catch (err) {
    if (!(err instanceof APIError)) throw err;
    await recordFailure(db, email, input.ip, now);
    if (err.status === 'FORBIDDEN') throw new AppError('account_disabled', 'this account is disabled: ask an admin');
    throw new AppError('sign_in_failed', 'wrong e-mail or password');
  }
}

/** The signed-in user of a request, or null (no cookie, an expired or revoked session, a disabled user). */
export async function currentUser(db: Db, o: AuthOptions, headers: Headers): Promise<SessionUser | null> {
  const session = await authOf(db, o).api.getSession({ headers });
  if (!session || session.user.banned) return null;
  return toSessionUser(session.user);
}

/** Ends the request's session; the cookies that clear it in the browser. */
export async function signOut(db: Db, o: AuthOptions, headers: Headers): Promise<string[]> {
  const { headers: out } = await authOf(db, o).api.signOut({ headers, returnHeaders: true });
  return out.getSetCookie();
}

/** The signed-in user changes their password; their other sessions end. */
export async function changePassword(
  db: Db,
  o: AuthOptions,
  headers: Headers,
  input: { currentPassword: string; newPassword: string },
): Promise<string[]> {
  try {
    const { headers: out } = await authOf(db, o).api.changePassword({
      body: { currentPassword: input.currentPassword, newPassword: input.newPassword, revokeOtherSessions: true },
      headers,
      returnHeaders: true,
    });
    return out.getSetCookie();
  } catch (err) {
    if (!(err instanceof APIError)) throw err;
    throw new AppError('password_rejected', passwordRefusal(err));
  }
}

export function passwordRefusal(err: APIError): string {
  const code = typeof err.body?.code === 'string' ? err.body.code : '';
  if (code === 'INVALID_PASSWORD') return 'the current password is wrong';
  if (code === 'PASSWORD_TOO_SHORT') return 'the new password is too short';
  if (code === 'PASSWORD_TOO_LONG') return 'the new password is too long';
  return err.message || 'the password was refused';
}

function toSessionUser(u: { id: string; name: string; email: string; role?: string | null }): SessionUser {
  // a role outside vzferry's four would be a bug in user management: it gets the least access
  return { id: u.id, name: u.name, email: u.email, role: isRole(u.role) ? u.role : 'support' };
}

function requestHeaders(ip: string | null, userAgent: string | null): Headers {
  const h = new Headers();
  if (ip) h.set('x-forwarded-for', ip);
  if (userAgent) h.set('user-agent', userAgent);
  return h;
}

async function refuseBusyAddress(db: Db, ip: string | null, now: Date): Promise<void> {
  if (!ip) return;
  const failures = await prismaOf(db).signInAttempt.count({
    where: { ip, succeeded: false, at: { gt: new Date(now.getTime() - WINDOW_MS) } },
  });
  if (failures >= SIGN_IN_FAILURES_PER_ADDRESS) {
    throw new AppError(
      'too_many_sign_ins',
      'too many failed sign-ins from this address: wait a few minutes and try again',
    );
  }
}

/** How far back an unknown e-mail's attempts are replayed. */
const UNKNOWN_EMAIL_HISTORY_MS = 24 * 60 * 60_000;

/**
 * An e-mail without an account locks as an account does: its recorded
 * attempts replayed with the same rule (failures in a row, none counted
 * while locked). Otherwise "locked" after a few tries would tell an
 * anonymous client which e-mails have accounts (SECURITY.md F1).
 */
async function lockOfUnknownEmail(db: Db, email: string, now: Date): Promise<Date | null> {
  const attempts = await prismaOf(db).signInAttempt.findMany({
    where: { email, at: { gt: new Date(now.getTime() - UNKNOWN_EMAIL_HISTORY_MS) } },
    orderBy: { id: 'asc' },
    select: { at: true, succeeded: true },
  });
  let failures = 0;
  let until: Date | null = null;
  for (const a of attempts) {
    if (until && a.at < until) continue;
    failures = a.succeeded ? 0 : failures + 1;
    if (failures >= SIGN_IN_FAILURES_PER_ACCOUNT) {
      until = new Date(a.at.getTime() + LOCK_MS);
      failures = 0;
    }
  }
  return until;
}

async function recordAttempt(db: Db, email: string, ip: string | null, succeeded: boolean): Promise<void> {
  await prismaOf(db).signInAttempt.create({ data: { email, ip, succeeded } });
}

async function recordSuccess(db: Db, email: string, ip: string | null): Promise<void> {
  const client = prismaOf(db);
  await client.$transaction([
    client.signInAttempt.create({ data: { email, ip, succeeded: true } }),
    client.user.update({ where: { email }, data: { failedSignIns: 0, lockedUntil: null } }),
  ]);
}

/** One more failure in a row; the last one allowed locks the account. */
async function recordFailure(db: Db, email: string, ip: string | null, now: Date): Promise<void> {
  const client = prismaOf(db);
  await client.$transaction(async (tx) => {
    await tx.signInAttempt.create({ data: { email, ip, succeeded: false } });
    const user = await tx.user.findUnique({ where: { email }, select: { failedSignIns: true } });
    if (!user) return;
    const failures = user.failedSignIns + 1;
    const lock = failures >= SIGN_IN_FAILURES_PER_ACCOUNT;
    await tx.user.update({
      where: { email },
      data: { failedSignIns: lock ? 0 : failures, lockedUntil: lock ? new Date(now.getTime() + LOCK_MS) : undefined },
    });
  });
}
