// Support's journey: find a container by one of its IPs, open it, see whose
// it is and what it runs.
import { expect, test } from '@playwright/test';
import { stackFacts } from './support/stack-file';

test('search by IP, open the container, see its customer and OS', async ({ page }) => {
  const { sample, containers } = stackFacts();
  await page.goto('/containers');
  await expect(page.getByText(`${containers} in the inventory`)).toBeVisible();

  await page.getByRole('searchbox', { name: 'Search containers' }).fill(sample.ip);
  await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(sample.ip).replace(/\./g, '\\.')}`));
  const row = page.getByRole('row').filter({ hasText: sample.hostname });
  await expect(row).toBeVisible();
  await expect(page.getByRole('link', { name: String(sample.ctid), exact: true })).toBeVisible();

  await row.getByRole('link', { name: String(sample.ctid), exact: true }).click();
  await expect(page.getByRole('heading', { name: `CT ${sample.ctid} · ${sample.hostname}` })).toBeVisible();
  await expect(page.getByTestId('customer-name')).toHaveText(sample.customer);
  await expect(page.getByTestId('ostemplate')).toHaveText(sample.ostemplate);
  await expect(page.getByText(sample.ip, { exact: false }).first()).toBeVisible();
});

test('filters by host and status come from the server and combine with paging', async ({ page }) => {
  const { sample } = stackFacts();
  await page.goto('/containers');
  await page.getByLabel('Host', { exact: true }).selectOption({ label: sample.hostName });
  await expect(page).toHaveURL(/hostId=/);
  await expect(page.getByText(/\d+ matching/)).toBeVisible();
  // the previous page stays on screen until the filtered one arrives: wait for it
  // the fourth column: an engineer's table starts with the checkboxes that pick containers for a batch
  const hostCells = page.locator('tbody tr td:nth-child(4)');
  await expect.poll(async () => [...new Set(await hostCells.allTextContents())]).toEqual([sample.hostName]);
});
