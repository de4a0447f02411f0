// register_template resumed after its worker died between CloudStack's
// registerTemplate and writing the template's id down (the worker-kill fault
// test found it): the TemplateUpload row is still `registering` without an
// id, but the template exists in CloudStack. The resumed stage must follow
// that template, not register a second one and leave the first in secondary
// storage for ever (cleanup deletes only templates whose id it knows).
// Real PostgreSQL for the rows, the lab CloudStack, the box's real template
// server, the real client.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCloudStackClient } from '@vzferry/cloudstack';
import { pipelineSettingsSchema, type RunSnapshot } from '@vzferry/core';
import { createBatch, templateUploadsRepo } from '@vzferry/db';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import { startCloudStack, type LabCloudStack } from '@vzferry/lab/cloudstack';
import { STAGE_FUNCTIONS, vmName, type StageContext, type StageDeps } from '@vzferry/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemplateServer, type TemplateServer } from '../src/template-server';

let tdb: TestDatabase;
let lab: LabCloudStack;
let server: TemplateServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-regresume-'));
  tdb = await createTestDatabase('regresume');
  lab = await startCloudStack({ dir, downloadPollMs: 100, installMs: 50, downloadRateBytesPerSec: 0 });
  server = await startTemplateServer();
});
afterAll(async () => {
  await server?.stop();
  await lab?.stop();
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('register_template resumed after its worker died mid-registration', () => {
  it('follows the template CloudStack registered instead of leaving it behind', async () => {
    const host = await tdb.prisma.sourceHost.create({
      data: { name: 'hv-302', address: '10.0.0.1', privateKeyEnc: 'v1:x' },
    });
    const ct = await tdb.prisma.container.create({
      data: { sourceHostId: host.id, sourceCtid: 302, ostemplate: 'debian-12-x86_64' },
    });
    const batch = await createBatch(tdb.db, { name: 'regresume', containerIds: [ct.id] }, { name: 'test' });
    const runId = (await tdb.prisma.migrationRun.findFirstOrThrow({ where: { batchId: batch.id } })).id;
    const image = path.join(dir, 'ct302.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '16M']);
    const content = readFileSync(image);
    const sha = createHash('sha256').update(content).digest('hex');
    const osTypeId = lab.simulator.state.osTypes[0]!.id;
    const client = createCloudStackClient({ endpoint: lab.endpoint, apiKey: lab.apiKey, secretKey: lab.secretKey });
    const templates = templateUploadsRepo(tdb.db);
    const run = {
      runId,
      container: { sourceCtid: 302, hostname: 'ct302', ostemplate: 'debian-12-x86_64' },
      sourceHost: { name: 'hv-302' },
      state: { imagePath: image, imageSha256: sha, imageBytes: BigInt(content.length), downtimeStartedAt: null },
    } as unknown as RunSnapshot;

    // what the dead worker did: the row, then the registration; it died before writing the id down
    const name = `${vmName(run)}-t1`;
    const { url } = server.publish(runId, image);
    await templates.create(runId, {
      attempt: 1,
      name,
      url,
      checksum: `{SHA-256}${sha}`,
      sizeBytes: BigInt(content.length),
    });
    const registered = await client.registerTemplate({
      name,
      url,
      zoneId: lab.zoneId,
      osTypeId,
      checksum: `{SHA-256}${sha}`,
      isPublic: false,
    });

    const refuse = () => Promise.reject(new Error('register_template needs no source host or local command'));
    const deps = {
      cloudstack: async () => ({ client, zoneId: lab.zoneId }),
      settings: async () => pipelineSettingsSchema.parse({ templatePollSeconds: 1, templateRetryBackoffSeconds: 0 }),
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
    const lines: string[] = [];
    const ctx = {
      run,
      stage: 'register_template',
      attempt: 1,
      resumed: true,
      signal: new AbortController().signal,
      log: (_level: string, message: string) => lines.push(message),
      command: () => undefined,
      output: () => undefined,
      progress: () => undefined,
      now: () => new Date(),
    } satisfies StageContext;

    const ret = await STAGE_FUNCTIONS.register_template(ctx, deps);
    expect(ret.outcome.kind, lines.join('\n')).toBe('succeeded');
    // one registration, the one CloudStack has: its id is on the row, so cleanup deletes it
    const rows = await templates.list(runId);
    expect(rows.map((r) => [r.attempt, r.state, r.cloudstackTemplateId])).toEqual([[1, 'ready', registered.id]]);
    expect(lab.simulator.state.templates.filter((t) => t.removed === null).map((t) => t.name)).toEqual([name]);
  }, 60_000);
});
