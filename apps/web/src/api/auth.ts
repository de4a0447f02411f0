// Signing in and out, the password, the first-start setup, and the users an
// admin manages: what the pages send and get back.
import { safeText } from '@vzferry/core/safe-text';
import { z } from 'zod';
import { ROLES } from '@vzferry/core/access';
import { isoDate } from './wire';

const PASSWORD_MIN = 12;
const password = z.string().min(PASSWORD_MIN, `at least ${PASSWORD_MIN} characters`).max(256);

export const signInSchema = z.object({
  email: safeText().trim().min(1).max(254),
  password: z.string().min(1).max(256),
});
export type SignIn = z.input<typeof signInSchema>;

export const signedInSchema = z.object({ name: z.string(), email: z.string(), role: z.enum(ROLES) });

export const passwordChangeSchema = z.object({ currentPassword: z.string().min(1).max(256), newPassword: password });
export type PasswordChange = z.input<typeof passwordChangeSchema>;

export const setupSchema = z.object({
  token: z.string().min(1).max(200),
  email: safeText().pipe(z.email().max(254)),
  name: safeText().trim().min(1).max(100),
  password,
});
export type Setup = z.input<typeof setupSchema>;

export const doneSchema = z.object({ ok: z.boolean() });

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  lockedUntil: isoDate.nullable(),
  createdAt: isoDate,
});
export const userListSchema = z.array(userSchema);

export const newUserSchema = z.object({
  email: safeText().pipe(z.email().max(254)),
  name: safeText().trim().min(1).max(100),
  role: z.enum(ROLES),
  password,
});
export type NewUser = z.input<typeof newUserSchema>;

export const userChangeSchema = z
  .object({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional(), password: password.optional() })
  .strict();
export type UserChange = z.input<typeof userChangeSchema>;

export const userCreatedSchema = z.object({ id: z.string(), email: z.string() });
export const userChangedSchema = z.object({ changed: z.array(z.string()) });
