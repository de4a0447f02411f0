// The anonymous journey: someone who reaches the panel without signing in
// sees the sign-in form on every page (and is sent back to the page after
// signing in), reads nothing through the API and changes nothing.
import { expect, request, test } from '@playwright/test';
import { authState, SIGNED_OUT } from './support/auth';
import { draftBatch, journeyScreenshot } from './support/journey';
import { stackFacts } from './support/stack-file';

test.use({ storageState: SIGNED_OUT });

/** A container, its customer, a batch and its run that exist, so the pages behind the door are real ones. */
async function someIds(): Promise<{ container: string; batch: string; run: string; customer: string }> {
  const draft = await draftBatch('anonymous');
  const admin = await request.newContext({ baseURL: stackFacts().baseURL, storageState: authState('admin') });
  try {
    const detail = (await (await admin.get(`/api/containers/${draft.containerId}`)).json()) as {
      customer: { id: string } | null;
    };
    const customers = (await (await admin.get('/api/customers')).json()) as { id: string }[];
    return {
      container: draft.containerId,
      customer: (detail.customer ?? customers[0])!.id,
      batch: draft.batchId,
      run: draft.runId,
    };
  } finally {
    await admin.dispose();
  }
}

test('anonymous: every page sends the visitor to sign in, and the API answers 401', async ({ page }, testInfo) => {
  const ids = await someIds();
  const pages = [
    '/',
    '/containers',
    `/containers/${ids.container}`,
    '/customers',
    `/customers/${ids.customer}`,
    '/batches',
    `/batches/${ids.batch}`,
    `/runs/${ids.run}`,
    '/failures',
    '/hosts',
    '/report',
    '/settings',
    '/users',
    '/audit',
    '/account',
  ];
  for (const path of pages) {
    await page.goto(path);
    const expected = new URL(path === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(path)}`, page.url());
    await expect(page, `${path} without a session`).toHaveURL(expected.href);
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    // nothing of the page behind the door reached the browser
    await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
  }
  await journeyScreenshot(page, testInfo, 'anonymous-sign-in');

  // a made-up session cookie passes the quick check before the page, not the server's
  await page.context().addCookies([{ name: 'vzferry.session_token', value: 'forged.token', url: page.url() }]);
  for (const path of ['/containers', `/runs/${ids.run}`, '/settings']) {
    await page.goto(path);
    await expect(page, `${path} with a forged session`).toHaveURL(/\/sign-in/);
    await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
  }

  for (const api of [
    '/api/containers',
    `/api/containers/${ids.container}`,
    '/api/batches',
    '/api/report',
    '/api/settings',
  ]) {
    const res = await page.request.get(api);
    expect(res.status(), api).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
  }
  const cancel = await page.request.post(`/api/runs/${ids.run}/cancel`);
  expect(cancel.status()).toBe(401);
});
