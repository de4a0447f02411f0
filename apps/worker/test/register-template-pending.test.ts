// register_template against the lab CloudStack when no secondary storage VM
// takes the download: CloudStack then reports the template's status as
// "Active" with every copy NOT_DOWNLOADED (TemplateJoinDaoImpl.getTemplateStatus,
// DownloadMonitorImpl in apache/cloudstack). That is a wait, not a failure:
// the stage keeps its one registration until templateDownloadStartMinutes,
// then stops the run with template_download_not_started (it used to delete
// and register again at the first poll, in a loop). Real PostgreSQL for the
// TemplateUpload rows, the box's real template server, the real client.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCloudStackClient } from '@vzferry/cloudstack';
import { AppError, pipelineSettingsSchema, type RunSnapshot } from '@vzferry/core';
import { createBatch, templateUploadsRepo } from '@vzferry/db';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import { startCloudStack, type LabCloudStack } from '@vzferry/lab/cloudstack';
import { STAGE_FUNCTIONS, type StageContext, type StageDeps } from '@vzferry/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemplateServer, type TemplateServer } from '../src/template-server';

let tdb: TestDatabase;
let lab: LabCloudStack;
let server: TemplateServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-regtpl-'));
  tdb = await createTestDatabase('regtpl');
  lab = await startCloudStack({ dir, downloadPollMs: 100, installMs: 50, downloadRateBytesPerSec: 0 });
  server = await startTemplateServer();
});
afterAll(async () => {
  await server?.stop();
  await lab?.stop();
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function newRun(ctid: number): Promise<string> {
  const host = await tdb.prisma.sourceHost.create({
    data: { name: `hv-${ctid}`, address: '10.0.0.1', privateKeyEnc: 'v1:x' },
  });
  const ct = await tdb.prisma.container.create({
    data: { sourceHostId: host.id, sourceCtid: ctid, ostemplate: 'debian-12-x86_64' },
  });
  const batch = await createBatch(tdb.db, { name: `regtpl ${ctid}`, containerIds: [ct.id] }, { name: 'test' });
  return (await tdb.prisma.migrationRun.findFirstOrThrow({ where: { batchId: batch.id } })).id;
}

describe('register_template while no secondary storage VM takes the download', () => {
  it('waits with its one registration, then stops with template_download_not_started', async () => {
    const runId = await newRun(301);
    const image = path.join(dir, 'ct301.qcow2');
    writeFileSync(image, 'not downloaded anyway');
    const osTypeId = lab.simulator.state.osTypes[0]!.id;
    const templates = templateUploadsRepo(tdb.db);
    const refuse = () => Promise.reject(new Error('register_template needs no source host or local command'));
    const deps = {
      cloudstack: async () => ({
        client: createCloudStackClient({ endpoint: lab.endpoint, apiKey: lab.apiKey, secretKey: lab.secretKey }),
        zoneId: lab.zoneId,
      }),
      settings: async () =>
        pipelineSettingsSchema.parse({
          templatePollSeconds: 1,
          templateRetryBackoffSeconds: 0,
          templateDownloadStartMinutes: 1,
        }),
      mappings: async () => ({
        networks: [],
        offerings: [],
        osTypes: [{ distribution: 'debian', version: '12', osTypeId, legacyOsTypeId: null }],
      }),
      templates,
      templateServer: {
        publish: (file: string, meta: { runId: string }) => server.publish(meta.runId, file),
        unpublishRun: (id: string) => server.unpublish(id),
      },
      source: refuse,
      local: {} as StageDeps['local'],
    } as unknown as StageDeps;
    // two minutes of the stage's clock pass in every real second: the 1 min start deadline comes at the second poll
    const t0 = Date.now();
    const lines: string[] = [];
    const ctx = {
      run: {
        runId,
        container: { sourceCtid: 301, hostname: 'ct301', ostemplate: 'debian-12-x86_64' },
        sourceHost: { name: 'hv-301' },
        state: { imagePath: image, imageSha256: 'ab'.repeat(32), imageBytes: 21n },
      } as unknown as RunSnapshot,
      stage: 'register_template',
      attempt: 1,
      resumed: false,
      signal: new AbortController().signal,
      log: (_level: string, message: string) => lines.push(message),
      command: () => undefined,
      output: () => undefined,
      progress: () => undefined,
      now: () => new Date(t0 + (Date.now() - t0) * 120),
    } satisfies StageContext;

    lab.faults.set({ downloadsNeverStart: 5 });
    try {
      const err = await STAGE_FUNCTIONS.register_template(ctx, deps).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'template_download_not_started' });
      expect((err as AppError).message).toMatch(
        /^CloudStack's secondary storage did not start downloading template vz301-\w+-t1 within 1 min \(status "Active"\): check that the zone's secondary storage VM is running/,
      );
      // one registration, marked failed and deleted from CloudStack: no delete-and-register-again loop
      const rows = await templates.list(runId);
      expect(rows.map((r) => [r.attempt, r.state])).toEqual([[1, 'deleted']]);
      expect(lab.simulator.state.templates.filter((t) => t.removed === null)).toEqual([]);
      expect(lines.some((l) => /template vz301-\w+-t1: Active/.test(l))).toBe(true);
    } finally {
      lab.faults.clear();
    }
  }, 60_000);
});
