// An engineer's staged cutover, for real on the lab, up to the moment before
// the window: the zone is set to staged cutovers, the box gets its boot ISO
// (as `npm run boot-iso` on the box would; the worker serves it without a
// restart), and one container whose window opens in 12 hours is migrated.
// Before the window the run page shows the staged VM waiting, stopped,
// holding the IPs; the stages in the staged order (deploy_vm before
// await_cutover); each catch-up sync with how long it took; and the
// projected downtime. Cancelling then expunges the VM and leaves no downtime.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { journeyScreenshot } from './support/journey';
import { stackFacts } from './support/stack-file';

interface RunJson {
  status: string;
  cutoverPath: string;
  downtimeStartedAt: string | null;
  cloudstackVmName: string | null;
  events: { message: string }[];
}

test('a staged run shows its waiting VM, its catch-up syncs and its projected downtime before the window', async ({
  page,
}, testInfo) => {
  test.setTimeout(600_000);
  const { staged, bootIso } = stackFacts();

  await page.goto('/settings');
  const settings = page.locator('section').filter({ hasText: 'Save pipeline settings' });
  await settings.getByLabel('Cutover mode').selectOption('staged');
  await settings.getByLabel('Catch-up sync interval (min)').fill('1');
  await settings.getByRole('button', { name: 'Save pipeline settings' }).click();
  await expect(settings.getByRole('status')).toHaveText('Saved.');
  mkdirSync(path.dirname(bootIso.box), { recursive: true });
  copyFileSync(bootIso.built, bootIso.box);
  try {
    await page.goto(`/containers?q=${encodeURIComponent(staged.hostname)}`);
    await expect(page.getByText('1 matching')).toBeVisible();
    await page.getByRole('button', { name: 'Pick all 1 the filter matches' }).click();
    await page.getByLabel('Batch name').fill('e2e staged');
    await page.getByRole('button', { name: 'Plan the batch of 1' }).click();
    await page.getByRole('button', { name: 'Start now' }).click();
    await expect(page.getByText(/^running$/).first()).toBeVisible();
    await page
      .getByRole('row')
      .filter({ hasText: `CT ${staged.ctid}` })
      .getByRole('link', { name: `CT ${staged.ctid}` })
      .click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = new URL(page.url()).pathname.split('/').at(-1)!;

    // no reload: the page follows the run through its staging (the guest's tools, the template, the VM's
    // first start with the boot ISO, which only makes its root volume) to the wait for the window
    await expect(page.getByTestId('cutover-path')).toHaveText(
      /^staged: VM vz\d+-[0-9a-f]{8} waits, stopped, holding the IPs$/,
      { timeout: 480_000 },
    );
    await expect(page.getByText(/^waiting$/).first()).toBeVisible();
    const stages = await page.getByRole('list').locator('span.font-mono').allTextContents();
    expect(stages.indexOf('deploy_vm')).toBeLessThan(stages.indexOf('await_cutover'));
    expect(stages.indexOf('await_cutover')).toBeLessThan(stages.indexOf('stop_source'));
    // each catch-up sync with how long it took and what had changed; the projection from the last one
    const syncs = page.getByTestId('catch-up-syncs');
    await expect(syncs.locator('tbody tr').first()).toBeVisible({ timeout: 120_000 });
    await expect(syncs.locator('tbody tr').first().locator('td').nth(1)).toHaveText(
      /^(\d+\.\d s|\d+ s|\d+ min \d+ s)$/,
    );
    await expect(syncs.locator('tbody tr').first().locator('td').nth(2)).toContainText(/\d+ of \d+ files/);
    await expect(page.getByTestId('projected-downtime')).toHaveText(/^(\d+ s|\d+ min \d+ s)$/);
    await journeyScreenshot(page, testInfo, 'engineer-staged-run');

    // before the window: a cancel expunges the staged VM, and the container never went down
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect
      .poll(async () => ((await (await page.request.get(`/api/runs/${runId}`)).json()) as RunJson).status, {
        timeout: 180_000,
        intervals: [2_000],
      })
      .toBe('cancelled');
    const run = (await (await page.request.get(`/api/runs/${runId}`)).json()) as RunJson;
    expect(run).toMatchObject({ cutoverPath: 'staged', downtimeStartedAt: null });
    const log = run.events.map((e) => e.message).join('\n');
    // the projection's fixed cost: the model's until this zone has staged cutovers to measure
    expect(log).toMatch(/a staged cutover's fixed cost: \d+ s \(the model's; none measured on this zone yet\)/);
    expect(log).toMatch(/staged VM vz\d+-[0-9a-f]{8} expunged: its IPs are free in CloudStack/);
  } finally {
    // the later journeys' runs go classic again (a box without its boot ISO cannot stage)
    rmSync(bootIso.box, { force: true });
  }
});
