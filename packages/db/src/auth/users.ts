// The people who use vzferry, as an admin manages them: create a user with a
// role and a first password, change a role, disable or enable, set a new
// password. A role change, disabling and a new password end the user's
// sessions at once. The last enabled admin cannot lose the role. And the
// first start: an admin from the environment, or a one-time setup link.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError, NotFoundError, parseInput, ROLES } from '@vzferry/core';
import { APIError } from 'better-auth/api';
import { z } from 'zod';
import { type Db, prismaOf } from '../client';
import { authOf, PASSWORD_MIN_LENGTH, type AuthOptions } from './auth-instance';
import { passwordRefusal } from './sessions';

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `a password has at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(256, 'a password has at most 256 characters');

export const newUserSchema = z.object({
  email: z
    .email('an e-mail address')
    .max(254)
    .transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1, 'a name is needed').max(100),
  role: z.enum(ROLES),
  password: passwordSchema,
});
export type NewUser = z.input<typeof newUserSchema>;

export const userChangeSchema = z
  .object({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional(), password: passwordSchema.optional() })
  .strict();
export type UserChange = z.input<typeof userChangeSchema>;

const userRow = {
  id: true,
  email: true,
  name: true,
  role: true,
  banned: true,
  lockedUntil: true,
  createdAt: true,
} as const;

export async function listUsers(db: Db) {
  const users = await prismaOf(db).user.findMany({ orderBy: [{ role: 'asc' }, { email: 'asc' }], select: userRow });
  return users.map(({ banned, ...u }) => ({ ...u, disabled: banned }));
}

export async function createUser(db: Db, o: AuthOptions, input: NewUser) {
  const user = parseInput(newUserSchema, input);
  if (await prismaOf(db).user.findUnique({ where: { email: user.email }, select: { id: true } })) {
    throw new AppError('user_exists', `a user with the e-mail ${user.email} exists already`);
  }
  try {
    // called by the server itself (no session): the caller has checked that an admin asks
    const created = await authOf(db, o).api.createUser({ body: user });
    return { id: created.user.id, email: created.user.email };
  } catch (err) {
    if (err instanceof APIError) throw new AppError('password_rejected', passwordRefusal(err));
    throw err;
  }
}

/** Applies a role change, disabling/enabling and a new password; returns the names of what changed. */
export async function changeUser(db: Db, o: AuthOptions, userId: string, input: UserChange): Promise<string[]> {
  const change = parseInput(userChangeSchema, input);
  const client = prismaOf(db);
  const user = await client.user.findUnique({ where: { id: userId } });
  if (!user) throw new NotFoundError('user', userId);
  const losesAdmin = user.role === 'admin' && ((change.role && change.role !== 'admin') || change.disabled === true);
  if (losesAdmin && (await enabledAdmins(db)) <= 1) {
    throw new AppError('last_admin', `${user.email} is the last enabled admin: make another admin first`);
  }
  const changed: string[] = [];
  if (change.role && change.role !== user.role) changed.push('role');
  if (change.disabled !== undefined && change.disabled !== user.banned) changed.push('disabled');
  if (change.password) changed.push('password');
  if (changed.length === 0) return [];
  if (change.password) await setPassword(db, o, userId, change.password);
  await client.$transaction([
    client.user.update({
      where: { id: userId },
      data: { role: change.role, banned: change.disabled, failedSignIns: 0, lockedUntil: null },
    }),
    // what they may do changed: they sign in again
    client.session.deleteMany({ where: { userId } }),
  ]);
  return changed;
}

async function setPassword(db: Db, o: AuthOptions, userId: string, password: string): Promise<void> {
  const ctx = await authOf(db, o).$context;
  const hash = await ctx.password.hash(password);
  const updated = await prismaOf(db).account.updateMany({
    where: { userId, providerId: 'credential' },
    data: { password: hash },
  });
  if (updated.count === 0) {
    await prismaOf(db).account.create({
      data: { userId, accountId: userId, providerId: 'credential', password: hash },
    });
  }
}

async function enabledAdmins(db: Db): Promise<number> {
  return prismaOf(db).user.count({ where: { role: 'admin', banned: false } });
}

export async function userCount(db: Db): Promise<number> {
  return prismaOf(db).user.count();
}

// ------------------------------------------------------------ first start

const SETUP = 'vzferry-setup';
const SETUP_HOURS = 24;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export type FirstStart =
  { kind: 'users_exist' } | { kind: 'admin_created'; email: string } | { kind: 'setup_link'; token: string };

/**
 * With no user yet: the admin of VZFERRY_ADMIN_EMAIL/VZFERRY_ADMIN_PASSWORD
 * when both are given, else a one-time setup token (24 h; only its hash is
 * stored) for the link the web app prints to its log.
 */
export async function prepareFirstStart(
  db: Db,
  o: AuthOptions,
  admin: { email?: string | undefined; password?: string | undefined },
  now = new Date(),
): Promise<FirstStart> {
  if ((await userCount(db)) > 0) return { kind: 'users_exist' };
  if (admin.email && admin.password) {
    const user = await createUser(db, o, {
      email: admin.email,
      name: 'Administrator',
      role: 'admin',
      password: admin.password,
    });
    return { kind: 'admin_created', email: user.email };
  }
  const token = randomBytes(32).toString('base64url');
  const client = prismaOf(db);
  await client.$transaction([
    client.verification.deleteMany({ where: { identifier: SETUP } }),
    client.verification.create({
      data: { identifier: SETUP, value: sha256(token), expiresAt: new Date(now.getTime() + SETUP_HOURS * 3600_000) },
    }),
  ]);
  return { kind: 'setup_link', token };
}

/** The setup link's form: the first admin, once, with a valid token. */
export async function completeSetup(
  db: Db,
  o: AuthOptions,
  input: { token: string; email: string; name: string; password: string },
  now = new Date(),
) {
  if ((await userCount(db)) > 0) throw new AppError('setup_done');
  const client = prismaOf(db);
  const row = await client.verification.findFirst({ where: { identifier: SETUP, expiresAt: { gt: now } } });
  if (!row || !sameDigest(row.value, sha256(input.token))) throw new AppError('setup_link_invalid');
  const user = await createUser(db, o, {
    email: input.email,
    name: input.name,
    role: 'admin',
    password: input.password,
  });
  await client.verification.deleteMany({ where: { identifier: SETUP } });
  return user;
}

function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
