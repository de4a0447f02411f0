// Support's journeys: find a customer by IP, by e-mail and with a typo from
// the search box of any page, read where a container is in words (before
// and after it is planned, and once the pipeline migrated it), and write a
// note that is still there after a reload.
import { expect, test, type Page } from '@playwright/test';
import { stackFacts } from './support/stack-file';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** The customer page of the sample container's customer, found by the sample's IP. */
async function openSampleCustomer(page: Page): Promise<void> {
  const { sample } = stackFacts();
  await page.goto(`/customers?q=${encodeURIComponent(sample.ip)}`);
  await page.getByTestId('customer-hits').getByRole('link', { name: sample.customer, exact: true }).click();
  await expect(page.getByRole('heading', { name: sample.customer, exact: true })).toBeVisible();
}

test('find a customer by IP, by e-mail and with a typo', async ({ page }) => {
  const { sample } = stackFacts();
  // the search box is on every page
  await page.goto('/batches');
  const box = page.getByRole('searchbox', { name: 'Find a customer or container' });
  await box.fill(sample.ip);
  await box.press('Enter');
  await expect(page).toHaveURL(/\/customers\?q=/);
  const byIp = page.getByTestId('customer-hits').getByRole('row').nth(1);
  await expect(byIp).toContainText(sample.customer);
  await expect(byIp).toContainText('exact IP');
  await expect(page.getByTestId('container-hits').getByRole('row').nth(1)).toContainText(sample.hostname);

  await byIp.getByRole('link', { name: sample.customer, exact: true }).click();
  await expect(page.getByRole('heading', { name: sample.customer, exact: true })).toBeVisible();
  const email = (await page.getByTestId('customer-email').innerText()).trim();

  await page.goto('/customers');
  const search = page.getByRole('searchbox', { name: 'Search customers' });
  await search.fill(email.toUpperCase());
  const byEmail = page.getByTestId('customer-hits').getByRole('row').nth(1);
  await expect(byEmail).toContainText(sample.customer);
  await expect(byEmail).toContainText('exact e-mail');

  // one letter of the name typed twice
  const typo = sample.customer.slice(0, 3) + sample.customer.slice(2);
  await search.fill(typo);
  await expect(
    page
      .getByTestId('customer-hits')
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: sample.customer, exact: true }) }),
  ).toContainText('similar name');

  // a NUL byte is refused with a reason, not a server error
  const nul = await page.request.get('/api/search?q=a%00b');
  expect(nul.status()).toBe(400);
  expect(((await nul.json()) as { error: { message: string } }).error.message).toMatch(/NUL byte/);
});

test("a container's state in words before and after it is planned", async ({ page }) => {
  const { sample } = stackFacts();
  const list = (await (await page.request.get('/api/containers?migrationState=not_started&pageSize=500')).json()) as {
    rows: { id: string; sourceCtid: number; hostname: string | null; customer: { id: string } | null }[];
  };
  // a container of a customer that no batch holds yet (the other journeys migrate the sample)
  const ct = list.rows.find((r) => r.customer && r.hostname && r.sourceCtid !== sample.ctid)!;
  expect(ct).toBeTruthy();
  await page.goto(`/containers/${ct.id}`);
  await expect(page.getByTestId('container-state')).toHaveText('Not planned yet');
  await expect(page.getByTestId('source-state')).toContainText('as the last import saw it on');

  const batchName = `support e2e ${Date.now()}`;
  const created = await page.request.post('/api/batches', { data: { name: batchName, containerIds: [ct.id] } });
  expect(created.status()).toBe(201);
  await page.reload();
  await expect(page.getByTestId('container-state')).toHaveText(`Planned in batch ${batchName}; no date set yet`);
  await expect(page.getByTestId('run-timeline')).toContainText('Planned (batch not started)');

  // the customer page says the same, in the customer's time zone
  await page.getByTestId('customer-name').click();
  const section = page.getByRole('region', { name: `CT ${ct.sourceCtid}`, exact: true });
  await expect(section.getByTestId('container-state')).toHaveText(`Planned in batch ${batchName}; no date set yet`);
  await expect(page.getByTestId('email-done')).toBeVisible();
});

test('a note about a customer is saved with its author and stays after a reload', async ({ page }) => {
  await openSampleCustomer(page);
  const text = `Customer asked for a call before the move (${Date.now()}).`;
  await page.getByRole('textbox', { name: /^New note about / }).fill(text);
  await page.getByRole('button', { name: 'Add note' }).click();
  const notes = page.getByTestId('notes');
  await expect(notes.getByText(text)).toBeVisible();
  await page.reload();
  const note = notes.getByRole('listitem').filter({ hasText: text });
  await expect(note).toBeVisible();
  await expect(note).toContainText('web,');
  // nothing on support's page changes a migration
  await expect(page.getByRole('button', { name: /Retry|Cancel|Start|Pause/ })).toHaveCount(0);
});

test('a migrated container says where it is now and that its source is stopped', async ({ page }) => {
  test.setTimeout(300_000);
  const { migratable } = stackFacts();
  const found = (await (await page.request.get(`/api/search?q=${migratable.ctid}`)).json()) as {
    containers: { id: string; sourceCtid: number; migrationState: string }[];
  };
  const ct = found.containers.find((c) => c.sourceCtid === migratable.ctid)!;
  // another journey (retry.spec) may have migrated it already
  if (ct.migrationState !== 'migrated') {
    const created = await page.request.post('/api/batches', {
      data: { name: `support migrate ${Date.now()}`, containerIds: [ct.id] },
    });
    expect(created.status()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await page.request.post(`/api/batches/${id}/start`)).status()).toBe(200);
    await expect
      .poll(
        async () =>
          ((await (await page.request.get(`/api/containers/${ct.id}`)).json()) as { migrationState: string })
            .migrationState,
        { timeout: 240_000, intervals: [2_000] },
      )
      .toBe('migrated');
  }
  await page.goto(`/containers/${ct.id}`);
  await expect(page.getByTestId('container-state')).toHaveText(
    /^Migrated on \d{1,2} \w{3} \d{4} at \d\d:\d\d, .+ of downtime; now VM vz\S+ on network \S+/,
  );
  await expect(page.getByTestId('source-state')).toHaveText(
    /^stopped, start on boot: no, since the migration on \d{1,2} \w{3} \d{4} at \d\d:\d\d/,
  );
  await expect(page.getByTestId('run-timeline')).toContainText('cleanup (16 of 16)');
});

test('an unknown container or customer is a clear not-found page', async ({ page }) => {
  const ct = await page.goto(`/containers/${UNKNOWN_ID}`);
  expect(ct?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Container not found' })).toBeVisible();
  const customer = await page.goto(`/customers/${UNKNOWN_ID}`);
  expect(customer?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Customer not found' })).toBeVisible();
});
