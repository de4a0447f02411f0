// Better Auth on vzferry's database: e-mail and password (scrypt, memory
// hard), database sessions behind an http-only SameSite=Lax cookie (Secure
// when the web app is reached over HTTPS), and its admin plugin for users,
// roles and disabling. Sign-up is off: an admin creates users. It lives here
// because its Prisma adapter needs the Prisma client, which only this
// package holds; the web app calls the functions of sessions.ts and users.ts.
import { randomUUID } from 'node:crypto';
import { betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { admin } from 'better-auth/plugins';
import { createAccessControl } from 'better-auth/plugins/access';
import { adminAc, defaultStatements, userAc } from 'better-auth/plugins/admin/access';
import { type Db, prismaOf } from '../client';
import type { PrismaClient } from '../generated/client';

export interface AuthOptions {
  /** where people reach the web app, e.g. https://vzferry.example.net: cookies are Secure when it is HTTPS */
  baseURL: string;
  /** signs the session cookie (derived from the instance key: SecretBox.derive) */
  secret: string;
}

export const PASSWORD_MIN_LENGTH = 12;
const SESSION_HOURS = 12;

function buildAuth(client: PrismaClient, o: AuthOptions) {
  const ac = createAccessControl(defaultStatements);
  return betterAuth({
    appName: 'vzferry',
    baseURL: o.baseURL,
    secret: o.secret,
    database: prismaAdapter(client, { provider: 'postgresql' }),
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: PASSWORD_MIN_LENGTH,
      maxPasswordLength: 256,
      autoSignIn: false,
    },
    // a working day; an active session is renewed once an hour
    session: { expiresIn: SESSION_HOURS * 3600, updateAge: 3600 },
    advanced: {
      cookiePrefix: 'vzferry',
      useSecureCookies: o.baseURL.startsWith('https:'),
      defaultCookieAttributes: { sameSite: 'lax', httpOnly: true },
      // our ids are UUIDs (the columns are uuid)
      database: { generateId: () => randomUUID() },
    },
    // the one unauthenticated door, sign-in, has its own limit and lockout (sessions.ts)
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    plugins: [
      admin({
        ac,
        // vzferry's own access table (packages/core access.ts) decides what a role may do; here only
        // admins may manage users
        roles: { admin: adminAc, engineer: userAc, support: userAc, manager: userAc },
        adminRoles: ['admin'],
        defaultRole: 'support',
      }),
    ],
  });
}

export type Auth = ReturnType<typeof buildAuth>;

// one instance per database handle and options, kept on the handle (see client.ts for why a symbol)
const AUTH = Symbol.for('vzferry.db.auth');

export function authOf(db: Db, o: AuthOptions): Auth {
  const key = `${o.baseURL}\n${o.secret}`;
  const cached: unknown = Reflect.get(db, AUTH);
  if (isCached(cached) && cached.key === key) return cached.auth;
  const auth = buildAuth(prismaOf(db), o);
  Object.defineProperty(db, AUTH, { value: { key, auth }, configurable: true, enumerable: false });
  return auth;
}

function isCached(value: unknown): value is { key: string; auth: Auth } {
  return typeof value === 'object' && value !== null && 'key' in value && 'auth' in value;
}
