// The demo's users, one per role, with passwords everyone can read in the
// README: only for the lab demo and the browser tests. Made only while the
// database has no user at all, so a real install (an admin from the
// environment, or the setup link) never gets them.
import type { Role } from '@vzferry/core';
import { createUser, userCount, type AuthOptions, type Db } from '@vzferry/db';

export const DEMO_USERS: readonly { role: Role; email: string; name: string; password: string }[] = [
  { role: 'admin', email: 'admin@demo.vzferry', name: 'Ada Admin', password: 'demo-admin-password' },
  { role: 'engineer', email: 'engineer@demo.vzferry', name: 'Erik Engineer', password: 'demo-engineer-password' },
  { role: 'support', email: 'support@demo.vzferry', name: 'Sanne Support', password: 'demo-support-password' },
  { role: 'manager', email: 'manager@demo.vzferry', name: 'Mona Manager', password: 'demo-manager-password' },
];

/** Creates the demo users when there is no user yet; says whether it did. */
export async function seedDemoUsers(db: Db, auth: AuthOptions, log: (line: string) => void): Promise<boolean> {
  if ((await userCount(db)) > 0) return false;
  for (const u of DEMO_USERS) await createUser(db, auth, u);
  log(
    `demo users (passwords in the README): ${DEMO_USERS.map((u) => `${u.email} (${u.role})`).join(', ')}; not for a real install`,
  );
  return true;
}
