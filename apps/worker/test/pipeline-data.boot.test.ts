// The pipeline's data path on the lab, stage by stage with the real stage
// functions and the box's real dependencies: the lab's Debian 12 container
// is imported over SSH, copied by rsync over SSH while it runs, stopped,
// synced again, detected, backed up, rewritten, made bootable in a chroot
// and converted to qcow2; the image boots under QEMU on the container's
// original IP. The source tree is unchanged by all of it (apart from the
// lab's own churn files).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, lstatSync, readlinkSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Stage } from '@vzferry/core';
import { createBatch, createInventoryImport, createSourceHost, loadRunContext, registerConverterBox, runPatchToUpdate, saveMappings, SecretBox, toRunSnapshot } from '@vzferry/db';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import { startLab, type RunningLab } from '@vzferry/lab';
import type { StageContext } from '@vzferry/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStageDeps } from '../src/box/stage-deps';
import { importInventoryJob } from '../src/jobs/import-inventory';
import { LocalExecutor } from '../src/local/local-executor';
import { STAGE_FUNCTIONS } from '../src/stages';
import { release, workPaths } from '../src/stages/work-disk';
import { startTemplateServer, type TemplateServer } from '../src/template-server';
import { bootVm, type BootedVm } from './support/qemu';

const x = new LocalExecutor();
let t: TestDatabase;
let dir: string;
let lab: RunningLab;
let server: TemplateServer;
let deps: ReturnType<typeof createStageDeps>;
let runId: string;
let workDir: string;
let vm: BootedVm | null = null;
const log: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase('pipelinedata');
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-pipeline-data-'));
  workDir = path.join(dir, 'work');
  lab = await startLab({ dir: path.join(dir, 'lab'), hosts: 1, containers: 12, debian12: true, sshPort: 0, cloudstackPort: null, churn: true });
  const secrets = new SecretBox(randomBytes(32));
  const hv = lab.manifest.hypervisors[0]!;
  const host = await createSourceHost(t.db, secrets, { name: hv.name, address: hv.address, port: hv.port, username: hv.username, privateKey: readFileSync(hv.privateKeyPath, 'utf8') }, { name: 'test' });
  const pub = readFileSync(path.join(dir, 'lab/hosts/hv1/ssh/ssh_host_ed25519_key.pub'), 'utf8').split(' ');
  // the engineer accepted the key the lab made (the acceptance flow has its own tests)
  await t.db.sourceHost.update({ where: { id: host.id }, data: { hostKeyState: 'accepted', hostKeyFingerprint: hv.hostKeyFingerprint, hostKeyAlgorithm: pub[0], hostPublicKey: pub[1] } });
  const imp = await createInventoryImport(t.db, host.id, 'test');
  await importInventoryJob({ db: t.db, secrets, log: () => undefined }, { sourceHostId: host.id, importId: imp.id });
  await saveMappings(t.db, { networks: [{ name: 'qemu user net', cidr: '10.0.2.0/24', gateway: '10.0.2.2', cloudstackNetworkId: 'net-lab' }], offerings: [], osTypes: [] }, { name: 'test' });
  const ct = await t.db.container.findFirstOrThrow({ where: { sourceCtid: 1012 } });
  const box = await registerConverterBox(t.db, { name: 'box-test', workDir, freeDiskBytes: 1n << 40n, totalDiskBytes: 1n << 40n, cores: 2, maxConcurrentRuns: 1, templateServerUrl: null, version: 'test' });
  const batch = await createBatch(t.db, { name: 'data path', containerIds: [ct.id] }, { name: 'test' });
  const run = await t.db.migrationRun.findFirstOrThrow({ where: { batchId: batch.id } });
  runId = run.id;
  await t.db.migrationRun.update({ where: { id: runId }, data: { converterBoxId: box.id, status: 'running' } });
  server = await startTemplateServer();
  deps = createStageDeps({ db: t.db, secrets, local: x, templateServer: server, keyDir: path.join(dir, 'keys') });
}, 900_000);

afterAll(async () => {
  console.log(log.join('\n'));
  await vm?.stop();
  if (workDir && runId) await release(x, workPaths(workDir, runId)).catch(() => undefined);
  await deps?.close();
  await server?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await t?.drop();
});

async function runStage(stage: Stage): Promise<string> {
  const snapshot = toRunSnapshot(await loadRunContext(t.db, runId));
  const started = Date.now();
  const ctx: StageContext = {
    run: snapshot,
    stage,
    attempt: 1,
    resumed: false,
    signal: new AbortController().signal,
    log: (level, message) => log.push(`[${stage}] ${level}: ${message}`),
    command: (argv, where) => log.push(`[${stage}] $ ${argv.join(' ')} (${where})`),
    output: () => undefined,
    progress: () => undefined,
    now: () => new Date(),
  };
  const ret = await STAGE_FUNCTIONS[stage](ctx, deps);
  expect(ret.outcome.kind, `${stage}: ${ret.message ?? ''}`).toBe('succeeded');
  if (ret.patch) await t.db.migrationRun.update({ where: { id: runId }, data: runPatchToUpdate(ret.patch) });
  log.push(`[${stage}] ${((Date.now() - started) / 1000).toFixed(1)} s: ${ret.message ?? ''}`);
  return ret.message ?? '';
}

function sshBanner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.setTimeout(10_000, () => sock.destroy(new Error('no SSH banner within 10 s')));
    sock.once('close', () => reject(new Error('closed without a banner')));
    sock.once('data', (d) => {
      sock.destroy();
      resolve(d.toString());
    });
    sock.once('error', reject);
  });
}

/** sha256 of every file, link and mode under a tree, except the lab's churn */
function treeDigest(root: string): string {
  const hash = createHash('sha256');
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(root, rel)).sort()) {
      const r = path.join(rel, name);
      if (r.startsWith('var/log/lab-churn.log') || r.startsWith('var/lib/lab')) continue;
      const p = path.join(root, r);
      const st = lstatSync(p);
      hash.update(`${r}\0${st.mode}\0${st.uid}\0`);
      if (st.isSymbolicLink()) hash.update(readlinkSync(p));
      else if (st.isDirectory()) walk(r);
      else if (st.isFile()) hash.update(readFileSync(p));
    }
  };
  walk('');
  return hash.digest('hex');
}

describe('the pipeline data path on the lab\'s Debian 12 container', () => {
  it('copies, converts and images the container; the image boots on its original IP; the source is untouched', { timeout: 1_200_000 }, async () => {
    const sourceTree = path.join(dir, 'lab/hosts/hv1/vz/private/1012');
    const before = treeDigest(sourceTree);

    expect(await runStage('create_disk')).toMatch(/raw disk/);
    expect(await runStage('initial_sync')).toMatch(/initial sync: \d+ files/);
    expect(await runStage('stop_source')).toMatch(/downtime started/);
    expect((await t.db.migrationRun.findUniqueOrThrow({ where: { id: runId } })).downtimeStartedAt).not.toBeNull();
    expect(await runStage('final_sync')).toMatch(/final sync: \d+ files/);
    expect(await runStage('detect_os')).toMatch(/Debian GNU\/Linux 12/);
    expect(await runStage('backup_config')).toMatch(/files backed up/);
    await runStage('rewrite_config');
    await runStage('make_bootable');
    expect(await runStage('convert_image')).toMatch(/qcow2 of \d+ MiB/);
    // a repeated stage is a no-op, not a second image
    expect(await runStage('convert_image')).toMatch(/already made/);

    expect(treeDigest(sourceTree)).toBe(before);
    const state = await t.db.migrationRun.findUniqueOrThrow({ where: { id: runId } });
    expect(state.imageSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(execFileSync('sha256sum', [state.imagePath!], { encoding: 'utf8' }).split(' ')[0]).toBe(state.imageSha256);

    vm = await bootVm({ image: state.imagePath!, serialLog: path.join(dir, 'serial.log'), networks: [{ net: '10.0.2.0/24', guestIp: '10.0.2.15' }] });
    await vm.waitFor(/login:/, 300_000);
    expect(vm.serial()).toMatch(/ct1012\./);
    // QEMU forwards the port to 10.0.2.15 only: an SSH banner means the guest holds its original IP
    await expect.poll(() => sshBanner(vm!.sshPort).catch((e: Error) => e.message), { timeout: 120_000, interval: 3_000 }).toMatch(/^SSH-2\.0-OpenSSH/);
  });
});
