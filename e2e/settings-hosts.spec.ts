// The Settings page talks to the lab's CloudStack with the stored, encrypted
// secret, which never reaches the browser; the hosts page shows the pinned
// keys and the finished imports.
import { expect, test } from '@playwright/test';
import { stackFacts } from './support/stack-file';

test('test connection answers from CloudStack; the secret is never sent to the browser', async ({ page }) => {
  const { cloudstackSecret } = stackFacts();
  const bodies: string[] = [];
  page.on('response', async (res) => {
    if (res.url().includes('/api/')) bodies.push(await res.text().catch(() => ''));
  });
  await page.goto('/settings');
  await expect(page.getByText(/^A secret is stored \(encrypted\)\. Leave empty to keep it/)).toBeVisible();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('connection-test')).toContainText(/Connected in \d+ ms: 1 zones/);
  await expect(page.getByLabel('Zone')).toBeVisible();
  expect(bodies.length).toBeGreaterThan(1);
  for (const body of bodies) expect(body).not.toContain(cloudstackSecret);
  expect(await page.content()).not.toContain(cloudstackSecret);
});

test("a wrong API key gets CloudStack's own refusal, shown on the page", async ({ page }) => {
  await page.goto('/settings');
  await page.getByRole('textbox', { name: 'API key' }).fill('not-a-real-key');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('connection-test')).toContainText(/CloudStack refused/);
  await expect(page.getByTestId('connection-test')).toContainText(/401|unable to verify user credentials/i);
});

test("the hosts page shows each host's pinned key and its finished import", async ({ page }) => {
  const { hosts } = stackFacts();
  await page.goto('/hosts');
  for (const h of hosts) {
    const card = page.locator('section').filter({ has: page.getByTestId(`host-${h.name}`) });
    await expect(card.getByText('host key accepted')).toBeVisible();
    await expect(card.getByText(h.fingerprint)).toBeVisible();
    await expect(card.getByTestId('import-status')).toContainText('succeeded');
    // 40 containers over 2 hosts, and the lab's hostile container (CTID 999) on hv1
    const found = h.name === 'hv1' ? 21 : 20;
    await expect(card.getByTestId('import-status')).toContainText(`Found ${found} containers: ${found} new`);
  }
});

test('pipeline settings: saved and shown after a reload; a wrong value is refused with its field and changes nothing', async ({
  page,
}) => {
  await page.goto('/settings');
  const card = page.locator('section').filter({ hasText: 'Save pipeline settings' });
  await card.getByLabel('Cutover margin (min)').fill('15');
  await card.getByLabel('Call-back deadline (min)').fill('45');
  await card.getByLabel('Cutover mode').selectOption('staged');
  await card.getByLabel('rsync bandwidth limit (KiB/s)').fill('');
  await card.getByRole('button', { name: 'Save pipeline settings' }).click();
  await expect(card.getByRole('status')).toHaveText('Saved.');

  await page.reload();
  await expect(card.getByLabel('Cutover margin (min)')).toHaveValue('15');
  await expect(card.getByLabel('Call-back deadline (min)')).toHaveValue('45');
  await expect(card.getByLabel('Cutover mode')).toHaveValue('staged');

  await card.getByLabel('Registrations per run').fill('0');
  await card.getByLabel('Cutover margin (min)').fill('20');
  await card.getByRole('button', { name: 'Save pipeline settings' }).click();
  await expect(card.getByText('Not saved')).toBeVisible();
  await expect(card).toContainText('templateRetryAttempts: Too small: expected number to be >=1');
  await page.reload();
  await expect(card.getByLabel('Registrations per run')).not.toHaveValue('0');
  await expect(card.getByLabel('Cutover margin (min)')).toHaveValue('15');
});
