// The landing page and the pages that must work for their readers: the
// engineer's overview with the boxes and a failed run, the containers table
// at 1440 px without a horizontal scroll, the menu on a phone, and a clear
// not-found page for an unknown id. Each test leaves a screenshot in
// e2e/screenshots/ (not committed) to look at.
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { stackFacts } from './support/stack-file';

const SHOTS = path.join(import.meta.dirname, 'screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

async function faults(body: object): Promise<void> {
  const res = await fetch(`${stackFacts().labAdminUrl}/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
}

interface Row {
  id: string;
  sourceCtid: number;
  diskQuotaKb: string | null;
  migrationState: string;
}

/** A container no other journey uses, small enough for the box's free disk. */
async function spareContainer(page: Page): Promise<Row> {
  const { sample, migratable } = stackFacts();
  const res = await page.request.get('/api/containers?pageSize=200&migrationState=not_started');
  const rows = ((await res.json()) as { rows: Row[] }).rows
    .filter((r) => r.sourceCtid !== sample.ctid && r.sourceCtid !== migratable.ctid)
    .sort((a, b) => Number(a.diskQuotaKb ?? 0) - Number(b.diskQuotaKb ?? 0));
  expect(rows.length).toBeGreaterThan(0);
  return rows[0]!;
}

test("the engineer's landing shows the converter box and a failed run, which links to its run", async ({ page }) => {
  test.setTimeout(180_000);
  const ct = await spareContainer(page);
  // every image store full: preflight fails the run at once, before anything is touched
  await faults({ clear: true, fullStorage: true });
  try {
    const created = await page.request.post('/api/batches', {
      data: { name: 'e2e landing failure', containerIds: [ct.id] },
    });
    expect(created.status()).toBe(201);
    const { id: batchId } = (await created.json()) as { id: string };
    expect((await page.request.post(`/api/batches/${batchId}/start`)).ok()).toBe(true);
    const batchRuns = async () =>
      ((await (await page.request.get(`/api/batches/${batchId}`)).json()) as { runs: { status: string }[] }).runs;
    await expect
      .poll(async () => (await batchRuns())[0]?.status, { timeout: 150_000, intervals: [1_000] })
      .toBe('failed');
  } finally {
    await faults({ clear: true });
  }

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const box = page.locator('[data-testid^="box-"]').first();
  await expect(box).toBeVisible();
  await expect(box.getByText('online')).toBeVisible();
  await expect(page.getByText('Free disk').first()).toBeVisible();
  await expect(page.getByText(/\/min synced \(rsync, last 15 min\)/).first()).toBeVisible();
  const failed = page.getByTestId('failed-runs');
  await expect(failed).toContainText(/failed runs? needs? an engineer/);
  const link = failed.getByRole('link', { name: new RegExp(`^CT ${ct.sourceCtid}\\b`) });
  await expect(link).toBeVisible();
  await expect(failed).toContainText('preflight');
  await shot(page, 'landing-engineer');

  await link.click();
  await expect(page.getByRole('alert').filter({ hasText: 'Failed in preflight' })).toBeVisible();
  // the log follows its tail: scrolled to the newest line
  const log = page.getByTestId('run-log');
  await expect(log).toContainText('preflight failed');
  await expect(log).toHaveAttribute('data-following', 'yes');
  const gap = await log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
  expect(gap).toBeLessThanOrEqual(24);
  await shot(page, 'landing-failed-run');
});

test('the containers table shows the migration state at 1440 px without a horizontal scroll', async ({ page }) => {
  const { containers } = stackFacts();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/containers');
  await expect(page.getByText(`${containers} in the inventory`)).toBeVisible();
  const table = page.locator('table');
  await expect(table.locator('tbody tr').first()).toBeVisible();
  const sizes = await table.evaluate((el) => {
    const box = el.parentElement!;
    const doc = el.ownerDocument.documentElement;
    return { box: [box.scrollWidth, box.clientWidth], doc: [doc.scrollWidth, doc.clientWidth] };
  });
  expect(sizes.box[0], 'the table scrolls sideways in its box').toBeLessThanOrEqual(sizes.box[1]!);
  expect(sizes.doc[0], 'the page scrolls sideways').toBeLessThanOrEqual(sizes.doc[1]!);
  const migration = page.getByRole('columnheader', { name: 'Migration' });
  await expect(migration).toBeInViewport();
  const right = await migration.evaluate((el) => el.getBoundingClientRect().right);
  expect(right).toBeLessThanOrEqual(1440);
  await shot(page, 'containers-1440');
});

test('on a phone the sidebar is a Menu button that opens the navigation', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Main' });
  const menu = page.getByRole('button', { name: 'Menu' });
  await expect(menu).toBeVisible();
  await expect(nav).toBeHidden();
  const docWidth = await page.locator('html').evaluate((html) => [html.scrollWidth, html.clientWidth]);
  expect(docWidth[0]).toBeLessThanOrEqual(docWidth[1]!);

  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(nav.getByRole('link', { name: 'Containers' })).toBeVisible();
  await shot(page, 'phone-menu-open');

  await nav.getByRole('link', { name: 'Batches' }).click();
  await expect(page).toHaveURL(/\/batches$/);
  await expect(page.getByRole('heading', { name: 'Batches' })).toBeVisible();
  // following a link closes the menu again
  await expect(nav).toBeHidden();
  await shot(page, 'phone-batches');
});

test('an unknown or malformed id shows a not-found page, not Loading…', async ({ page }) => {
  const unknown = '00000000-0000-4000-8000-000000000000';
  const run = await page.goto(`/runs/${unknown}`);
  expect(run?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Migration run not found' })).toBeVisible();
  await expect(page.getByText('Loading…')).toHaveCount(0);
  await shot(page, 'run-not-found');

  expect((await page.goto('/runs/not-a-run'))?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Migration run not found' })).toBeVisible();
  expect((await page.goto(`/batches/${unknown}`))?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Batch not found' })).toBeVisible();
  expect((await page.goto('/containers/42'))?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Container not found' })).toBeVisible();
  await page.getByRole('link', { name: '← Containers' }).click();
  await expect(page).toHaveURL(/\/containers$/);
});
