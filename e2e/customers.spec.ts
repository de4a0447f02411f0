// An engineer uploads a customer CSV with one bad row: the page names the
// row and its reason, and nothing is imported.
import { expect, test } from '@playwright/test';
import { stackFacts } from './support/stack-file';

test('a CSV with a bad row shows the row error and changes nothing', async ({ page }) => {
  const { sample } = stackFacts();
  await page.goto('/customers');
  const before = await page.getByRole('row').count();
  const csv = [
    'ctid,hostname,customer,email,timezone,downtime_window',
    `${sample.ctid},,Renamed Customer,renamed@example.com,Europe/Berlin,Sun 02:00-05:00`,
    `${sample.ctid + 1000000},,Ghost,ghost@example.com,Mars/Base,`,
  ].join('\n');
  await page
    .getByLabel('Customer CSV file')
    .setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload' }).click();

  const errors = page.getByTestId('csv-errors');
  await expect(errors).toBeVisible();
  await expect(errors.getByRole('row').filter({ hasText: 'IANA time zone' })).toContainText('3');
  await expect(page.getByText('Nothing was imported')).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Renamed Customer' })).toHaveCount(0);
  expect(await page.getByRole('row').count()).toBeGreaterThanOrEqual(before);
});

test('a CSV row naming a container that is not in the inventory is refused with its line', async ({ page }) => {
  await page.goto('/customers');
  const csv = ['ctid,customer,email,timezone', '999999,Nobody,nobody@example.com,UTC'].join('\n');
  await page
    .getByLabel('Customer CSV file')
    .setInputFiles({ name: 'c.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(
    page.getByTestId('csv-errors').getByRole('row').filter({ hasText: 'no container with CTID 999999' }),
  ).toContainText('2');
});
