// A source host's decrypted SSH key on the converter box, on the lab: real
// rsync passes (create_disk, initial_sync and final_sync, through the box's
// real StageDeps) leave no key file behind, neither in
// VZFERRY_DATA_DIR/keys (where earlier versions kept them for good) nor on
// the tmpfs; rsync's ssh reads no config and asks no agent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stage } from '@vzferry/core';
import { assignRun, createBatch, loadRunContext, runPatchToUpdate, startBatch, toRunSnapshot } from '@vzferry/db';
import { applianceImage, LocalExecutor, STAGE_FUNCTIONS, workPaths, type StageContext } from '@vzferry/pipeline';
import { createStageDeps, startTemplateServer, type TemplateServer } from '../src/index';
import { startLabStack, type LabStack } from './support/lab-stack';

let stack: LabStack;
let server: TemplateServer;

beforeAll(async () => {
  stack = await startLabStack('keys', { hosts: 1, containers: 4, debian12: false });
  // the stages run here, in this process: no worker may take the run
  await stack.stopWorker('SIGTERM');
  server = await startTemplateServer();
}, 600_000);

afterAll(async () => {
  await server?.stop();
  await stack?.stop();
}, 120_000);

/** Key directories on the tmpfs of any process. */
const keyDirs = () => ['/dev/shm', '/run'].flatMap((d) => readdirSync(d).filter((n) => n.startsWith('vzferry-ssh-')));

describe("a source host's key on the box", () => {
  it('exists only while rsync runs, and rsync runs OpenSSH without config or agent', { timeout: 300_000 }, async () => {
    const before = keyDirs();
    const deps = createStageDeps({
      db: stack.t.db,
      secrets: stack.secrets,
      local: new LocalExecutor(),
      templateServer: server,
      bootIso: async () => null,
      // not used: this test runs no guest job
      appliance: { image: applianceImage(path.join(os.tmpdir(), 'no-appliance')), kvm: false },
    });
    const ct = await stack.t.prisma.container.findFirstOrThrow({
      where: { status: 'running' },
      orderBy: { sourceCtid: 'asc' },
    });
    const box = await stack.t.prisma.converterBox.findFirstOrThrow({ where: { name: 'box-test' } });
    const batch = await createBatch(stack.t.db, { name: 'keys', containerIds: [ct.id] }, { name: 'test' });
    await startBatch(stack.t.db, batch.id, {});
    const run = await stack.t.prisma.migrationRun.findFirstOrThrow({ where: { batchId: batch.id } });
    expect(await assignRun(stack.t.db, run.id, box.id, 0n, new Date())).not.toBeNull();

    const commands: string[][] = [];
    const warnings: string[] = [];
    const runStage = async (stage: Stage) => {
      const ctx = {
        run: toRunSnapshot(await loadRunContext(stack.t.db, run.id)),
        stage,
        attempt: 1,
        resumed: false,
        signal: new AbortController().signal,
        log: (level: string, message: string) => (level === 'warn' ? warnings.push(message) : undefined),
        command: (argv: readonly string[]) => commands.push([...argv]),
        output: () => undefined,
        progress: () => undefined,
        now: () => new Date(),
      } satisfies StageContext;
      const ret = await STAGE_FUNCTIONS[stage](ctx, deps);
      expect(ret.outcome).toEqual({ kind: 'succeeded' });
      if (ret.patch)
        await stack.t.prisma.migrationRun.update({ where: { id: run.id }, data: runPatchToUpdate(ret.patch) });
    };
    try {
      await runStage('create_disk');
      await runStage('initial_sync');
      await runStage('final_sync');
    } finally {
      await deps.close();
    }

    // the container's files are on the work disk
    const mount = workPaths(box.workDir, run.id).mount;
    expect(readFileSync(path.join(mount, 'etc/hosts'), 'utf8')).toContain(` ${ct.hostname} `);
    // initial_sync asked the hypervisor's rsync its version: the lab runs this machine's (3.5.0, no race)
    expect(warnings.filter((w) => w.includes('CVE-2024-12747'))).toEqual([]);
    expect(commands.filter((c) => c[0] === 'rsync')).toHaveLength(2);
    const rsync = commands.find((c) => c[0] === 'rsync')!;
    const ssh = rsync[rsync.indexOf('-e') + 1]!;
    expect(ssh).toMatch(/^ssh -F \/dev\/null /);
    for (const option of ['ForwardAgent=no', 'IdentitiesOnly=yes', 'IdentityAgent=none', 'StrictHostKeyChecking=yes'])
      expect(ssh).toContain(`-o ${option}`);
    const key = /-i (\S+)/.exec(ssh)![1]!;
    expect(key).toMatch(/^\/(dev\/shm|run)\/vzferry-ssh-\d+-\w+\/id$/);
    expect(existsSync(path.dirname(key))).toBe(false);
    // every key directory this test's commands used is gone; others may come and go meanwhile
    // (the lab stack's own SSH work runs in this process too), so only ours are compared
    const used = commands
      .filter((c) => c[0] === 'rsync')
      .map((c) => path.basename(path.dirname(/-i (\S+)/.exec(c[c.indexOf('-e') + 1]!)![1]!)));
    expect(used).toHaveLength(2);
    for (const dir of used) {
      expect(before).not.toContain(dir);
      expect(keyDirs()).not.toContain(dir);
    }
    expect(existsSync(path.join(stack.dir, 'data/keys'))).toBe(false);
  });
});
