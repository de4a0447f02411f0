// A template download that keeps failing stops the run at register_template
// with the secondary storage's error on the run page and the source
// container running again; after the cause is gone, Retry finishes the run.
import { expect, test } from '@playwright/test';
import { stackFacts } from './support/stack-file';

async function faults(body: object): Promise<void> {
  const res = await fetch(`${stackFacts().labAdminUrl}/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
}

test('a run stopped by failing downloads finishes after Retry', async ({ page }) => {
  test.setTimeout(300_000);
  const { migratable } = stackFacts();
  await faults({ clear: true, failDownloads: { count: 100, mode: 'http500' } });
  await page.goto(`/containers?q=${encodeURIComponent(migratable.hostname)}`);
  await expect(page.getByText('1 matching')).toBeVisible();
  await page.getByRole('button', { name: 'Pick all 1 the filter matches' }).click();
  await page.getByLabel('Batch name').fill('e2e retry');
  await page.getByRole('button', { name: 'Plan the batch of 1' }).click();
  await page.getByRole('button', { name: 'Start now' }).click();
  // started: the plan of the draft gives way to the runs
  await expect(page.getByText(/^running$/).first()).toBeVisible();
  await page
    .getByRole('row')
    .filter({ hasText: `CT ${migratable.ctid}` })
    .getByRole('link', { name: `CT ${migratable.ctid}` })
    .click();

  // no reload: the page follows the run by itself
  await expect(page.getByText('Failed in register_template')).toBeVisible({ timeout: 180_000 });
  await expect(
    page.getByText(/the template download failed 2 time\(s\); last: .*Clear the cause, then Retry/i).first(),
  ).toBeVisible();

  await faults({ clear: true });
  // a failure during the downtime: the source ran again since, so Retry stops it again
  await page.getByRole('button', { name: 'Retry from stop_source (a new downtime)' }).click();
  const runId = new URL(page.url()).pathname.split('/').at(-1)!;
  await expect
    .poll(async () => ((await (await page.request.get(`/api/runs/${runId}`)).json()) as { status: string }).status, {
      timeout: 180_000,
      intervals: [2_000],
    })
    .toBe('succeeded');
  // the page caught up by itself: the failure is gone, the VM is named
  await expect(page.getByText('Failed in register_template')).toBeHidden();
  await expect(page.getByText(/, VM vz\d+-/)).toBeVisible();
});
