// What the four acceptance journeys share: one screenshot per journey in
// e2e/screenshots/ (not committed; each test names the file it saved), and
// the audit rows of what a journey did, read back through the audit API as
// the demo admin.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, request, type Page, type TestInfo } from '@playwright/test';
import { authState } from './auth';
import { stackFacts } from './stack-file';

export const SCREENSHOTS = path.resolve(import.meta.dirname, '../screenshots');

/** Saves the journey's screenshot and lists it in the test's report (and on the console). */
export async function journeyScreenshot(page: Page, info: TestInfo, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await info.attach(name, { path: file, contentType: 'image/png' });
  console.log(`[journey] screenshot: ${path.relative(process.cwd(), file)}`);
  return file;
}

export interface AuditRow {
  actor: string;
  email: string | null;
  role: string | null;
  action: string;
  targetId: string | null;
  outcome: string;
  at: string;
}

/** The audit rows of one user since a moment, oldest first (read as the admin, who may read the log). */
export async function auditRowsOf(email: string, since: Date): Promise<AuditRow[]> {
  const ctx = await request.newContext({ baseURL: stackFacts().baseURL, storageState: authState('admin') });
  try {
    const res = await ctx.get(`/api/audit?who=${encodeURIComponent(email)}&from=${since.toISOString()}&limit=500`);
    expect(res.ok(), await res.text()).toBe(true);
    return ((await res.json()) as AuditRow[]).reverse();
  } finally {
    await ctx.dispose();
  }
}

/** Each of the actions has an audit row of this user with that outcome. */
export async function expectAudited(
  email: string,
  since: Date,
  expected: { action: string; outcome?: string; targetId?: string }[],
): Promise<void> {
  const rows = await auditRowsOf(email, since);
  for (const e of expected) {
    const found = rows.find(
      (r) => r.action === e.action && r.outcome === (e.outcome ?? 'ok') && (!e.targetId || r.targetId === e.targetId),
    );
    expect(
      found,
      `an audit row ${JSON.stringify(e)} among ${JSON.stringify(rows.map((r) => [r.action, r.outcome]))}`,
    ).toBeDefined();
    expect(found!.email).toBe(email);
  }
}

/**
 * A draft batch of one pending run, made by the admin (the run and batch
 * pages an engineer could act on), of a container no other journey names.
 */
export async function draftBatch(label: string): Promise<{ batchId: string; runId: string; containerId: string }> {
  const { baseURL, sample, migratable, plannable, legacy } = stackFacts();
  const admin = await request.newContext({ baseURL, storageState: authState('admin') });
  try {
    const list = (await (await admin.get('/api/containers?migrationState=not_started&pageSize=500')).json()) as {
      rows: { id: string; sourceCtid: number }[];
    };
    const named = [sample, migratable, plannable, legacy].map((c) => c.ctid);
    const ct = list.rows.find((r) => !named.includes(r.sourceCtid));
    if (!ct) throw new Error('the e2e stack has no container left for a draft batch');
    const created = await admin.post('/api/batches', {
      data: { name: `${label} draft ${Date.now()}`, containerIds: [ct.id] },
    });
    expect(created.status(), await created.text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const batch = (await (await admin.get(`/api/batches/${id}`)).json()) as { runs: { id: string }[] };
    return { batchId: id, runId: batch.runs[0]!.id, containerId: ct.id };
  } finally {
    await admin.dispose();
  }
}
