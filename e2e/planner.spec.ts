// The engineer's journey through the batch planner and the failures view,
// signed in through the form (each step leaves its audit row): pick
// two containers (a checkbox in the table, a pasted list with an unknown line),
// plan the batch, see the dry-run preflight pass one container and fail the
// other (a grub-legacy guest, no boot ISO on the box), start it while the
// lab's secondary storage fails every download; the failures view lists the
// template download failure first, and Retry all (after the storage is
// healthy again) takes the run to the end.
import { expect, test } from '@playwright/test';
import { demoUser, SIGNED_OUT, signInThroughForm } from './support/auth';
import { expectAudited, journeyScreenshot } from './support/journey';
import { stackFacts } from './support/stack-file';

async function faults(body: object): Promise<void> {
  const res = await fetch(`${stackFacts().labAdminUrl}/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
}

test.use({ storageState: SIGNED_OUT });

test('an engineer signs in, plans a batch, dry-runs its preflight, starts it, and retries all of its template download failures', async ({
  page,
}, testInfo) => {
  test.setTimeout(420_000);
  const { plannable, legacy } = stackFacts();
  const since = new Date();
  await faults({ clear: true });

  // the link a colleague sent: the sign-in form first, then the page it named
  const link = `/containers?q=${encodeURIComponent(plannable.hostname)}`;
  await page.goto(link);
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await signInThroughForm(page, 'engineer');
  await expect(page).toHaveURL(link);

  // pick one container in the table…
  await expect(page.getByText('1 matching')).toBeVisible();
  await page.getByRole('checkbox', { name: `Pick CT ${plannable.ctid}` }).check();
  await expect(page.getByRole('status').filter({ hasText: /containers? picked$/ })).toHaveText('1 container picked');

  // …and one from a pasted list, whose unknown line is named
  await page.getByText('Paste CTIDs or hostnames').click();
  await page.getByLabel('CTIDs or hostnames, one per line').fill(`${legacy.hostname}\n999999\n`);
  await page.getByRole('button', { name: 'Pick the listed containers' }).click();
  await expect(page.getByText('Picked 1 of 2 lines.')).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'names no container' })).toContainText(
    'line 2 (999999): no container has CTID 999999',
  );
  await expect(page.getByRole('status').filter({ hasText: /containers? picked$/ })).toHaveText('2 containers picked');

  await page.getByLabel('Batch name').fill('e2e planner');
  await page.getByLabel('Per hypervisor').fill('2');
  await page.screenshot({ path: 'test-results/planner-containers.png', fullPage: true });
  await page.getByRole('button', { name: 'Plan the batch of 2' }).click();

  // the plan: windows, projected downtimes (an estimate), then the dry run
  await expect(page.getByRole('heading', { name: 'Batch e2e planner' })).toBeVisible();
  const plan = page.getByTestId('batch-plan');
  await expect(plan.getByRole('row')).toHaveCount(3);
  await expect(plan.getByText(/about \d+ min \(estimate\)/).first()).toBeVisible();
  await expect(page.getByText('2 at a time')).toBeVisible();
  await page.getByRole('button', { name: 'Run a dry-run preflight' }).click();
  await expect(page.getByText(/Dry run on .* finished .*: 1 passed, 1 failed\./)).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId(`dry-run-${plannable.ctid}`)).toContainText(/passed \(\d+ checks\)/);
  const failing = page.getByTestId(`dry-run-${legacy.ctid}`);
  await expect(failing).toContainText(/checks failed/);
  await expect(failing).toContainText(/boot_iso: container \d+ on \S+: .*boot ISO/);
  await page.screenshot({ path: 'test-results/planner-dry-run.png', fullPage: true });

  // every download fails from now on
  await faults({ clear: true, failDownloads: { count: 100, mode: 'http500' } });
  await page.getByRole('button', { name: 'Start now' }).click();
  await expect(page.getByText(/^running$/).first()).toBeVisible();

  // the failures view follows by itself: the download failure first, the preflight failure after it
  await page.goto('/failures');
  const downloads = page.getByRole('region', { name: 'Failures: register_template template_download_failed' });
  await expect(downloads.getByRole('link', { name: `CT ${plannable.ctid}` })).toBeVisible({ timeout: 240_000 });
  const preflight = page.getByRole('region', { name: 'Failures: preflight preflight_failed' });
  await expect(preflight.getByRole('link', { name: `CT ${legacy.ctid}` })).toBeVisible();
  const regions = await page
    .getByRole('region', { name: /^Failures: / })
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  expect(regions.indexOf('Failures: register_template template_download_failed')).toBe(0);
  await expect(
    downloads.getByRole('button', { name: `Retry from stop_source (a new downtime): CT ${plannable.ctid}` }),
  ).toBeVisible();
  await journeyScreenshot(page, testInfo, 'engineer-failures');

  // the storage is healthy again: Retry all (a new downtime, so it asks first)
  await faults({ clear: true });
  const count = await downloads.getByRole('row').count();
  const all = `Retry all ${count - 1} from stop_source (a new downtime)`;
  await downloads.getByRole('button', { name: all }).click();
  await downloads.getByRole('button', { name: `Yes, r${all.slice(1)}` }).click();
  const outcome = page.getByRole('status').filter({ hasText: 'Retry all of register_template' });
  await expect(outcome).toContainText(/Retried \d+ runs?: .*CT \d+ from stop_source/);
  await outcome.getByRole('link', { name: `CT ${plannable.ctid}` }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);

  const runId = new URL(page.url()).pathname.split('/').at(-1)!;
  await expect
    .poll(async () => ((await (await page.request.get(`/api/runs/${runId}`)).json()) as { status: string }).status, {
      timeout: 240_000,
      intervals: [2_000],
    })
    .toBe('succeeded');
  await expect(page.getByText(/, VM vz\d+-/)).toBeVisible();

  await expectAudited(demoUser('engineer').email, since, [
    { action: 'auth.sign_in' },
    { action: 'batch.create' },
    { action: 'batch.dry_run' },
    { action: 'batch.start' },
    { action: 'run.retry_all' },
  ]);
});
