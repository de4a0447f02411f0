// A manager's journey: signed in through the form, the landing page says how
// far the migration is and opens the report, whose chart and downtime
// percentiles (p50, p95, max of the finished runs) are on the page and whose
// tables download as CSV; it prints without the navigation. A report needs a finished run: if none has finished in
// this stack yet, one quick container (not the ones the other journeys
// use) is migrated through the API first, for real, on the lab.
import { readFileSync } from 'node:fs';
import {
  expect,
  request as newRequest,
  test,
  type APIRequestContext,
  type Page,
  type TestInfo,
} from '@playwright/test';
import { authState, demoUser, SIGNED_OUT, signInThroughForm } from './support/auth';
import { expectAudited, journeyScreenshot } from './support/journey';
import { stackFacts } from './support/stack-file';

interface ReportTotals {
  totals: { total: number; done: number };
  downtime: { count: number };
}
interface ContainerRow {
  id: string;
  sourceCtid: number;
  ostemplate: string | null;
  diskQuotaKb: string | null;
}
interface ContainerDetail {
  downtimeWindow: string | null;
  ips: { family: number }[];
}

// grub2 guests the lab migrates without the boot ISO
const QUICK_OS = /^(ubuntu-(16|18)\.04|debian-(9|12)\.0|centos-7)-/;
const MAX_QUOTA_KB = 50 * 1024 * 1024;

async function json<T>(request: APIRequestContext, url: string, init?: { post?: unknown }): Promise<T> {
  const res = init ? await request.post(url, { data: init.post }) : await request.get(url);
  expect(res.ok(), `${url} answered ${res.status()}: ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

/** A running container that nobody else migrates, with no downtime window to wait for. */
async function quickContainer(request: APIRequestContext): Promise<ContainerRow> {
  const { sample, migratable } = stackFacts();
  const page = await json<{ rows: ContainerRow[] }>(
    request,
    '/api/containers?migrationState=not_started&status=running&pageSize=500',
  );
  for (const ct of page.rows) {
    if ([sample.ctid, migratable.ctid].includes(ct.sourceCtid) || !QUICK_OS.test(ct.ostemplate ?? '')) continue;
    if (Number(ct.diskQuotaKb ?? Infinity) > MAX_QUOTA_KB) continue;
    const detail = await json<ContainerDetail>(request, `/api/containers/${ct.id}`);
    if (detail.downtimeWindow === null && detail.ips.length > 0 && detail.ips.every((ip) => ip.family === 4)) return ct;
  }
  throw new Error('the lab has no running grub2 container without a downtime window left to migrate');
}

// as the admin, whatever the tests below sign in as
test.beforeAll(async () => {
  test.setTimeout(300_000);
  const request = await newRequest.newContext({ baseURL: stackFacts().baseURL, storageState: authState('admin') });
  try {
    await ensureFinishedRun(request);
  } finally {
    await request.dispose();
  }
});

async function ensureFinishedRun(request: APIRequestContext): Promise<void> {
  const before = await json<ReportTotals>(request, '/api/report');
  if (before.totals.done > 0 && before.downtime.count > 0) return;
  const ct = await quickContainer(request);
  const batch = await json<{ id: string }>(request, '/api/batches', {
    post: { name: `e2e report ${ct.sourceCtid}`, containerIds: [ct.id] },
  });
  await json(request, `/api/batches/${batch.id}/start`, { post: {} });
  await expect
    .poll(
      async () => {
        const detail = await json<{ runs: { status: string }[] }>(request, `/api/containers/${ct.id}`);
        return detail.runs[0]?.status;
      },
      { timeout: 280_000, intervals: [3_000] },
    )
    .toBe('succeeded');
}

/** RFC 4180: fields in quotes may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

test.describe('signed in as a manager', () => {
  test.use({ storageState: SIGNED_OUT });

  test('a manager signs in, opens the report with its chart and percentiles, and downloads its tables as CSV', async ({
    page,
  }, testInfo) => {
    await managerJourney(page, testInfo);
  });
});

async function managerJourney(page: Page, testInfo: TestInfo): Promise<void> {
  const { containers } = stackFacts();
  const since = new Date();
  const manager = demoUser('manager');
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
  await signInThroughForm(page, 'manager');
  await expect(page.getByRole('heading', { name: 'Migration progress' })).toBeVisible();
  // a manager changes nothing: no planner, no batch controls in the menu's pages
  await expect(page.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Open the report' }).click();
  await expect(page.getByRole('heading', { name: 'Migration report' })).toBeVisible();
  await expect(page.getByTestId('progress-chart').locator('svg.recharts-surface').first()).toBeVisible();
  await expect(page.getByTestId('throughput-chart').locator('svg.recharts-surface').first()).toBeVisible();
  await expect(page.getByText(`% of ${containers}`).first()).toBeVisible();
  expect(Number(await page.getByTestId('total-Done').textContent())).toBeGreaterThanOrEqual(1);
  for (const p of ['p50', 'p95', 'max'])
    await expect(page.getByTestId(`downtime-${p}`)).toHaveText(/^\d+ (s|min \d+ s|h \d\d min)$/);

  const downtimeCard = page.locator('section').filter({ has: page.getByRole('heading', { name: /^Downtime/ }) });
  const shown = Number(await downtimeCard.locator('dt:text-is("Downtimes") + dd').textContent());
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    downtimeCard.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^vzferry-report-downtime-\d{4}-\d\d-\d\d\.csv$/);
  const [header, ...rows] = parseCsv(readFileSync((await download.path())!, 'utf8'));
  expect(header).toEqual([
    'ctid',
    'hostname',
    'source host',
    'customer',
    'run status',
    'downtime started',
    'downtime ended',
    'seconds',
    'source stops',
    'run id',
    'windows',
    'projected seconds',
  ]);
  // every downtime the page counts, each a real span of time
  expect(rows).toHaveLength(shown);
  for (const r of rows) {
    expect(Number(r[7])).toBeGreaterThan(0);
    // the seconds are the sum of the run's windows (a Retry after a rollback stops the source again),
    // which lie between the first stop and the last start
    // (to the millisecond: each time is cut to whole milliseconds on its own way to the file)
    const windows = r[10]!.split('; ').map((w) => w.split('/').map(Date.parse) as [number, number]);
    expect(windows.length).toBeGreaterThanOrEqual(1);
    const sum = windows.reduce((total, [from, to]) => total + (to - from), 0);
    expect(Math.abs(sum - Number(r[7]) * 1000)).toBeLessThanOrEqual(2 * windows.length);
    expect(Math.abs(windows[0]![0] - Date.parse(r[5]!))).toBeLessThanOrEqual(1);
    expect(Math.abs(windows.at(-1)![1] - Date.parse(r[6]!))).toBeLessThanOrEqual(1);
  }
  expect(rows.some((r) => r[4] === 'succeeded')).toBe(true);

  const hosts = page.locator('section').filter({ has: page.getByRole('heading', { name: /^Per source host/ }) });
  const [hostsFile] = await Promise.all([
    page.waitForEvent('download'),
    hosts.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  const [hostHeader, ...hostRows] = parseCsv(readFileSync((await hostsFile.path())!, 'utf8'));
  expect(hostHeader).toEqual(['source host', 'containers', 'done', 'in progress', 'failed', 'not started', 'left']);
  expect(hostRows.reduce((n, r) => n + Number(r[1]), 0)).toBe(containers);
  await journeyScreenshot(page, testInfo, 'manager-report');

  // the server refuses a manager's change as it refuses any other outsider's
  const refused = await page.request.post('/api/batches', { data: { name: 'by a manager', containerIds: [] } });
  expect(refused.status()).toBe(403);
  await expectAudited(manager.email, since, [
    { action: 'auth.sign_in' },
    { action: 'batch.create', outcome: 'forbidden' },
  ]);
}

test('prints without the navigation and the download links', async ({ page }) => {
  await page.goto('/report');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await expect(page.getByRole('link', { name: 'Download CSV' }).first()).toBeHidden();
  await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
  await expect(page.getByTestId('progress-chart')).toBeVisible();
});
