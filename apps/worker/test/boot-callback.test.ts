// The boot ISO's call back over real HTTP into a real database, as the
// worker wires it (main.ts): only the run's token is accepted, a failed job
// keeps the token for a Retry, a succeeded one spends it, bad requests change
// nothing. And the box's boot ISO is served like a template, ranges and all.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch, readBootCallback, recordBootCallback } from '@vzferry/db';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import { bootIsoSource } from '../src/boot-iso/publish';
import { startTemplateServer, type TemplateServer } from '../src/template-server';

let t: TestDatabase;
let server: TemplateServer;
let dir: string;
const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

beforeAll(async () => {
  t = await createTestDatabase('bootcallback');
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-bootcb-'));
  server = await startTemplateServer({ bootCallback: (call) => recordBootCallback(t.db, call) });
});

afterAll(async () => {
  await server?.stop();
  await t?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function runWithToken(token: string | null, ctid: number) {
  const host = await t.prisma.sourceHost.create({
    data: { name: `hv-${ctid}`, address: '127.0.0.1', privateKeyEnc: 'v1:x' },
  });
  const container = await t.prisma.container.create({ data: { sourceHostId: host.id, sourceCtid: ctid } });
  const batch = await createBatch(t.db, { name: `b-${ctid}`, containerIds: [container.id] }, { name: 'test' });
  const run = await t.prisma.migrationRun.findFirstOrThrow({ where: { batchId: batch.id } });
  await t.prisma.migrationRun.update({ where: { id: run.id }, data: { bootTokenSha256: token && sha256(token) } });
  return run.id;
}

function callBack(runId: string, opts: { token?: string; status?: string; body?: string; method?: string }) {
  const query = opts.status === undefined ? '' : `?status=${opts.status}`;
  return fetch(`${server.bootCallbackUrl(runId)}${query}`, {
    method: opts.method ?? 'POST',
    headers: { ...(opts.token && { authorization: `Bearer ${opts.token}` }), 'content-type': 'text/plain' },
    ...(opts.method === 'GET' ? {} : { body: opts.body ?? '' }),
  });
}

const state = (runId: string) =>
  t.prisma.migrationRun.findUniqueOrThrow({
    where: { id: runId },
    select: { bootTokenSha256: true, bootExitStatus: true, bootLog: true, bootCalledBackAt: true },
  });

describe('the boot ISO calls back', () => {
  it('records a failed job and keeps the token; a succeeded job spends it; a replay is refused', async () => {
    const token = randomBytes(32).toString('hex');
    const runId = await runWithToken(token, 301);

    const failed = await callBack(runId, {
      token,
      status: '4',
      body: 'vzferry job: kernel 2.6.32\nError 15: File not found\n',
    });
    expect(failed.status).toBe(204);
    expect(await readBootCallback(t.db, runId)).toMatchObject({
      exitStatus: 4,
      log: expect.stringContaining('Error 15'),
    });
    expect((await state(runId)).bootTokenSha256).toBe(sha256(token));

    const ok = await callBack(runId, { token, status: '0', body: 'vzferry job: done\n' });
    expect(ok.status).toBe(204);
    const after = await state(runId);
    expect(after).toMatchObject({ bootExitStatus: 0, bootLog: 'vzferry job: done\n', bootTokenSha256: null });

    const replay = await callBack(runId, { token, status: '7', body: 'again' });
    expect(replay.status).toBe(403);
    expect(await state(runId)).toEqual(after);
    const events = await t.prisma.runEvent.findMany({ where: { runId }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.level, e.message])).toEqual([
      ['error', 'the boot ISO called back: its job exited with status 4'],
      ['info', 'the boot ISO called back: its job exited with status 0'],
    ]);
  });

  it("refuses another run's token, a run without one, malformed calls and oversized logs, changing nothing", async () => {
    const token = randomBytes(32).toString('hex');
    const runId = await runWithToken(token, 302);
    const noToken = await runWithToken(null, 303);
    const before = await state(runId);

    expect((await callBack(runId, { token: randomBytes(32).toString('hex'), status: '0' })).status).toBe(403);
    expect((await callBack(noToken, { token, status: '0' })).status).toBe(403);
    expect((await callBack(runId, { token, status: 'x' })).status).toBe(400);
    expect((await callBack(runId, { token, status: '256' })).status).toBe(400);
    expect((await callBack(runId, { status: '0' })).status).toBe(400);
    expect((await callBack(runId, { token: 'short', status: '0' })).status).toBe(400);
    expect((await callBack(runId, { token, method: 'GET' })).status).toBe(405);
    expect(
      (
        await fetch(`${server.url}/boot-callback/not-a-run?status=0`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        })
      ).status,
    ).toBe(404);
    const huge = await callBack(runId, { token, status: '0', body: 'x'.repeat(70 * 1024) }).catch((err: Error) => err);
    if (!(huge instanceof Error)) expect(huge.status).toBe(413);

    expect(await state(runId)).toEqual(before);
    expect(await t.prisma.runEvent.count({ where: { runId } })).toBe(0);
  });
});

describe("the box's boot ISO", () => {
  it('is served under a name made from its checksum, whole and by range', async () => {
    const file = path.join(dir, 'vzferry-boot.iso');
    const bytes = randomBytes(300_000);
    writeFileSync(file, bytes);
    const source = bootIsoSource(server, file);
    const iso = await source();
    expect(iso!.name).toBe(`vzferry-boot-${sha256(bytes).slice(0, 12)}.iso`);
    const whole = await fetch(iso!.url);
    expect(whole.status).toBe(200);
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(sha256(bytes));
    const part = await fetch(iso!.url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    expect((await fetch(`${server.url}/boot-iso/other.iso`)).status).toBe(404);
  });

  it('is looked up when needed: none yet, then the one built later, then a rebuilt one under its new name', async () => {
    const file = path.join(dir, 'later.iso');
    const source = bootIsoSource(server, file);
    expect(await source()).toBeNull();
    writeFileSync(file, 'first build');
    const first = await source();
    expect(first!.name).toBe(`vzferry-boot-${sha256('first build').slice(0, 12)}.iso`);
    expect(await (await fetch(first!.url)).text()).toBe('first build');
    writeFileSync(`${file}.new`, 'second build!');
    renameSync(`${file}.new`, file);
    const second = await source();
    expect(second!.name).toBe(`vzferry-boot-${sha256('second build!').slice(0, 12)}.iso`);
    expect(await (await fetch(second!.url)).text()).toBe('second build!');
    expect((await fetch(first!.url)).status).toBe(404);
  });
});
