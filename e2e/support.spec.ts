// Support's journeys: find a customer by IP, by e-mail and with a typo from
// the search box of any page, read where a container is in words (before
// and after it is planned, and once the pipeline migrated it). The last one
// is the support acceptance journey: signed in through the form as support,
// find the migrated container's customer by IP and by e-mail, read its state
// and downtime in words, write a note; the run and batch pages offer support
// no control, and the server refuses the request the hidden button would send.
import { expect, test } from '@playwright/test';
import { authState, demoUser, SIGNED_OUT, signInThroughForm } from './support/auth';
import { draftBatch, expectAudited, journeyScreenshot } from './support/journey';
import { stackFacts } from './support/stack-file';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

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

test.describe('signed in as support', () => {
  test.use({ storageState: SIGNED_OUT });

  test('support finds a customer by IP and e-mail, reads the downtime in words, writes a note, and cannot change a migration', async ({
    page,
    browser,
  }, testInfo) => {
    test.setTimeout(300_000);
    const since = new Date();
    const support = demoUser('support');
    const { migratable } = stackFacts();

    // nobody is signed in: the panel sends support to the sign-in form, and back
    await page.goto('/customers');
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fcustomers$/);
    await signInThroughForm(page, 'support');
    await expect(page).toHaveURL(/\/customers$/);

    // the migrated container of the earlier journey, and its customer's IP
    const found = (await (await page.request.get(`/api/search?q=${migratable.ctid}`)).json()) as {
      containers: { id: string; sourceCtid: number; migrationState: string }[];
    };
    const ct = found.containers.find((c) => c.sourceCtid === migratable.ctid)!;
    expect(ct.migrationState).toBe('migrated');
    const detail = (await (await page.request.get(`/api/containers/${ct.id}`)).json()) as {
      ips: { address: string }[];
      customer: { name: string; email: string };
      runs: { id: string; batch: { id: string } }[];
    };
    const ip = detail.ips[0]!.address;

    // by IP, from the search box every page has
    const box = page.getByRole('searchbox', { name: 'Find a customer or container' });
    await box.fill(ip);
    await box.press('Enter');
    const byIp = page.getByTestId('customer-hits').getByRole('row').filter({ hasText: detail.customer.name });
    await expect(byIp).toContainText('exact IP');

    // by e-mail, on the customers page
    const search = page.getByRole('searchbox', { name: 'Search customers' });
    await search.fill(detail.customer.email);
    const byEmail = page.getByTestId('customer-hits').getByRole('row').filter({ hasText: detail.customer.name });
    await expect(byEmail).toContainText('exact e-mail');
    await byEmail.getByRole('link', { name: detail.customer.name, exact: true }).click();
    await expect(page.getByRole('heading', { name: detail.customer.name, exact: true })).toBeVisible();

    // the state and the downtime, in words
    const section = page.getByRole('region', { name: `CT ${migratable.ctid}`, exact: true });
    await expect(section.getByTestId('container-state')).toHaveText(
      /^Migrated on \d{1,2} \w{3} \d{4} at \d\d:\d\d, (\d+ s|\d+ min \d+ s|\d+ h \d\d min) of downtime; now VM vz\S+/,
    );

    // a note, signed with support's name, still there after a reload
    const text = `Customer asked for a call before the move (${Date.now()}).`;
    await page.getByRole('textbox', { name: /^New note about / }).fill(text);
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect(page.getByTestId('notes').getByText(text)).toBeVisible();
    await page.reload();
    const note = page.getByTestId('notes').getByRole('listitem').filter({ hasText: text });
    await expect(note).toContainText(support.name);
    await expect(page.getByRole('button', { name: /Retry|Cancel|Start|Pause/ })).toHaveCount(0);
    await journeyScreenshot(page, testInfo, 'support-customer');

    // a draft batch and its pending run: an engineer sees Start and Cancel there, support sees neither
    const draft = await draftBatch('support');
    const engineer = await browser.newContext({ storageState: authState('engineer') });
    const engineerPage = await engineer.newPage();
    await engineerPage.goto(`/batches/${draft.batchId}`);
    await expect(engineerPage.getByRole('button', { name: 'Start now' })).toBeVisible();
    await engineerPage.goto(`/runs/${draft.runId}`);
    await expect(engineerPage.getByRole('button', { name: 'Cancel' })).toBeVisible();
    await engineer.close();

    for (const url of [`/batches/${draft.batchId}`, `/runs/${draft.runId}`, `/runs/${detail.runs[0]!.id}`]) {
      await page.goto(url);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.getByText('Loading…')).toHaveCount(0);
      await expect(page.getByRole('button', { name: /Retry|Cancel|Start|Pause|Dry run|dry-run/ })).toHaveCount(0);
    }

    // the request the hidden button would send is refused by the server, and changes nothing
    const cancel = await page.request.post(`/api/runs/${draft.runId}/cancel`);
    expect(cancel.status()).toBe(403);
    expect(((await cancel.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    const start = await page.request.post(`/api/batches/${draft.batchId}/start`);
    expect(start.status()).toBe(403);
    const run = (await (await page.request.get(`/api/runs/${draft.runId}`)).json()) as { status: string };
    expect(run.status).toBe('pending');

    await expectAudited(support.email, since, [
      { action: 'auth.sign_in' },
      { action: 'note.add' },
      { action: 'run.cancel', outcome: 'forbidden', targetId: draft.runId },
      { action: 'batch.start', outcome: 'forbidden', targetId: draft.batchId },
    ]);
  });
});
