// An engineer makes a batch of every container a filter matches, starts it,
// and follows one container's run (its 16 stages, live).
import { expect, test } from '@playwright/test';
import { stackFacts } from './support/stack-file';

test('a batch of every container the filter matches, started, with a run page of 16 stages', async ({ page }) => {
  const { sample } = stackFacts();
  await page.goto(`/containers?q=${encodeURIComponent(sample.hostname)}`);
  await expect(page.getByText('1 matching')).toBeVisible();
  await page.getByRole('button', { name: 'Pick all 1 the filter matches' }).click();
  await page.getByLabel('Batch name').fill('e2e wave');
  await page.getByRole('button', { name: 'Plan the batch of 1' }).click();

  await expect(page.getByRole('heading', { name: 'Batch e2e wave' })).toBeVisible();
  const row = page
    .getByTestId('batch-runs')
    .getByRole('row')
    .filter({ hasText: `CT ${sample.ctid}` });
  await expect(row).toContainText('pending');
  await page.getByRole('button', { name: 'Start now' }).click();
  await expect(page.getByText(/^running$/).first()).toBeVisible();

  await row.getByRole('link', { name: `CT ${sample.ctid}` }).click();
  await expect(page.getByRole('heading', { name: new RegExp(`CT ${sample.ctid}`) })).toBeVisible();
  for (const stage of ['preflight', 'initial_sync', 'stop_source', 'register_template', 'verify', 'cleanup']) {
    // in the stage list (the run log heads its groups with the stage's name too, once they have lines)
    await expect(page.getByRole('list').getByText(stage, { exact: true })).toBeVisible();
  }
  await expect(page.getByTestId('run-log')).toBeVisible();

  await page.goto('/batches');
  await expect(page.getByRole('link', { name: 'e2e wave' })).toBeVisible();
});
