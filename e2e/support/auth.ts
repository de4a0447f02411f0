// Signed-in browsers for the journeys. global-setup.ts signs in each demo user
// once through the API and keeps the cookies in test-results/auth/<role>.json
// (Playwright's storage state); a spec picks its role with
// test.use({ storageState: authState('support') }). The journeys that are
// about signing in use the form instead (signInThroughForm).
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { stackFacts, type StackFacts } from './stack-file';

export type Role = StackFacts['users'][number]['role'];

export const AUTH_DIR = path.resolve(import.meta.dirname, '../../test-results/auth');

export function authState(role: Role): string {
  return path.join(AUTH_DIR, `${role}.json`);
}

/** No cookies: nobody signed in. */
export const SIGNED_OUT = { cookies: [], origins: [] };

export function demoUser(role: Role): StackFacts['users'][number] {
  const user = stackFacts().users.find((u) => u.role === role);
  if (!user) throw new Error(`the e2e stack has no ${role}`);
  return user;
}

/** Signs in on the sign-in page (from wherever the browser was sent there) and waits for the page it goes to. */
export async function signInThroughForm(page: Page, role: Role): Promise<void> {
  const user = demoUser(role);
  if (!page.url().includes('/sign-in')) await page.goto('/sign-in');
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
  await expect(page.getByTestId('signed-in-as')).toContainText(user.name);
}
