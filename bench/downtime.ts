// bench/downtime: a container's downtime in our pipeline next to a cold
// offline copy of the same container. The lab's real Debian 12 container is
// grown to at least 1 GiB and 20,000 files (random, incompressible data),
// its kernel installed by prepare_source as in a real batch, then:
//
//   migration  create_disk and initial_sync (which ends with make_bootable's
//              job on the live copy) while it runs; 2 % of its files
//              change; then the downtime: stop_source, final_sync, detect_os,
//              backup_config, rewrite_config, make_bootable, convert_image
//              (the final image is ready);
//   cold copy  the container stopped first, then the whole data path on a
//              fresh disk: create_disk, a full copy (final_sync onto the empty
//              disk), the same conversion.
//
// Both run the real stage functions with the box's real dependencies over
// SSH to the lab hypervisor, on this machine, one after the other. The
// guest's own binaries (the initramfs, grub) run in the appliance VM
// (APPLIANCE_KVM=on: with KVM when /dev/kvm opens); its share of each phase
// is printed (bench/appliance times its bare start).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Stage } from '@vzferry/core';
import {
  assignRun,
  completeCancel,
  createBatch,
  createInventoryImport,
  createSourceHost,
  loadRunContext,
  registerConverterBox,
  runPatchToUpdate,
  saveMappings,
  SecretBox,
  startBatch,
  toRunSnapshot,
} from '@vzferry/db';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import { startLab } from '@vzferry/lab';
import { toCtid } from '@vzferry/openvz';
import { importInventoryJob } from '@vzferry/inventory';
import {
  applianceImage,
  LocalExecutor,
  release,
  STAGE_FUNCTIONS,
  workPaths,
  type ApplianceSettings,
  type GuestRunner,
  type StageContext,
} from '@vzferry/pipeline';
import { buildBootIso, createStageDeps, startTemplateServer } from '@vzferry/worker';
import type { BenchResult } from './support/results';

const CTID = 1012;
const EXTRA_FILES = 8_000;
const EXTRA_FILE_BYTES = 64 * 1024;
const CHANGED_SHARE = 0.02;
const actor = { name: 'bench' };

type Deps = ReturnType<typeof createStageDeps>;

async function runStage(t: TestDatabase, deps: Deps, runId: string, stage: Stage): Promise<number> {
  const { db } = t;
  const started = performance.now();
  const ctx: StageContext = {
    run: toRunSnapshot(await loadRunContext(db, runId)),
    stage,
    attempt: 1,
    resumed: false,
    signal: new AbortController().signal,
    log: () => undefined,
    command: () => undefined,
    output: () => undefined,
    progress: () => undefined,
    now: () => new Date(),
  };
  const ret = await STAGE_FUNCTIONS[stage](ctx, deps);
  if (ret.outcome.kind !== 'succeeded') throw new Error(`${stage}: ${JSON.stringify(ret.outcome)}`);
  // what the engine's finishStageRun writes after a stage, without the engine's next step
  if (ret.patch) await t.prisma.migrationRun.update({ where: { id: runId }, data: runPatchToUpdate(ret.patch) });
  return (performance.now() - started) / 1000;
}

/** A run of its own batch, started and given to the box, as the scheduler would. */
async function newRun(t: TestDatabase, containerId: string, boxId: string, name: string): Promise<string> {
  const batch = await createBatch(t.db, { name, containerIds: [containerId] }, actor);
  await startBatch(t.db, batch.id, {});
  const run = await t.prisma.migrationRun.findFirstOrThrow({ where: { batchId: batch.id } });
  if (!(await assignRun(t.db, run.id, boxId, 0n, new Date()))) throw new Error(`run ${run.id} could not be assigned`);
  return run.id;
}

/** Every regular file under a tree (relative paths). */
function files(root: string, rel = ''): string[] {
  return readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((e) => {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) return files(root, r);
    return e.isFile() ? [r] : [];
  });
}

function grow(root: string): void {
  for (let i = 0; i < EXTRA_FILES; i++) {
    const dir = path.join(root, 'srv/bench', `d${Math.floor(i / 200)}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `f${i}`), randomBytes(EXTRA_FILE_BYTES));
  }
}

/** Rewrites 2 % of all the container's files with new random content of the same size, spread over the bench data. */
function change(root: string, total: number): number {
  const data = files(root, 'srv/bench');
  const n = Math.ceil(total * CHANGED_SHARE);
  for (let i = 0; i < n; i++)
    writeFileSync(path.join(root, data[Math.floor((i * data.length) / n)]!), randomBytes(EXTRA_FILE_BYTES));
  return n;
}

/** Seconds spent in the appliance VM, per phase of the bench. */
const inAppliance: Record<string, number> = {};
let phase = 'before';

function timed(runner: GuestRunner): GuestRunner {
  return {
    disk: runner.disk,
    where: runner.where,
    async run(job, opts) {
      const started = performance.now();
      try {
        return await runner.run(job, opts);
      } finally {
        inAppliance[phase] = (inAppliance[phase] ?? 0) + (performance.now() - started) / 1000;
      }
    },
  };
}

function sum(times: Record<string, number>): number {
  return Object.values(times).reduce((a, b) => a + b, 0);
}

/** the figures, printed and kept for RESULTS.md */
const out: string[] = [];
function say(line: string): void {
  console.log(line);
  out.push(line);
}

function show(label: string, times: Record<string, number>): void {
  say(
    `${label.padEnd(10)} ${sum(times).toFixed(1).padStart(6)} s   ${Object.entries(times)
      .map(([s, t]) => `${s} ${t.toFixed(1)}`)
      .join(', ')}`,
  );
}

export async function run(): Promise<BenchResult> {
  out.length = 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-bench-downtime-'));
  const t = await createTestDatabase('benchdowntime');
  const x = new LocalExecutor();
  const lab = await startLab({
    dir: path.join(dir, 'lab'),
    hosts: 1,
    containers: 12,
    debian12: true,
    sshPort: 0,
    cloudstackPort: null,
    churn: false,
  });
  const server = await startTemplateServer();
  const secrets = new SecretBox(randomBytes(32));
  // the appliance: the boot ISO's kernel and initramfs, built as a box's engineer would (npm run boot-iso)
  const iso = await buildBootIso({ out: path.join(dir, 'vzferry-boot.iso') });
  const appliance: ApplianceSettings = {
    image: applianceImage(iso.applianceDir),
    kvm: process.env.APPLIANCE_KVM === 'on',
  };
  const boxDeps = createStageDeps({
    db: t.db,
    secrets,
    local: x,
    templateServer: server,
    bootIso: async () => null,
    appliance,
  });
  const deps: Deps = { ...boxDeps, guestRunner: (work) => timed(boxDeps.guestRunner(work)) };
  const workDir = path.join(dir, 'work');
  const runs: string[] = [];
  try {
    const hv = lab.manifest.hypervisors[0]!;
    const host = await createSourceHost(t.db, secrets, {
      name: hv.name,
      address: hv.address,
      port: hv.port,
      username: hv.username,
      privateKey: readFileSync(hv.privateKeyPath, 'utf8'),
    });
    const pub = readFileSync(path.join(dir, 'lab/hosts', hv.name, 'ssh/ssh_host_ed25519_key.pub'), 'utf8').split(' ');
    // the key the lab made, accepted (the acceptance flow has its own tests)
    await t.prisma.sourceHost.update({
      where: { id: host.id },
      data: {
        hostKeyState: 'accepted',
        hostKeyFingerprint: hv.hostKeyFingerprint,
        hostKeyAlgorithm: pub[0],
        hostPublicKey: pub[1],
      },
    });
    const root = path.join(dir, 'lab/hosts', hv.name, 'vz/private', String(CTID));
    grow(root);
    const imp = await createInventoryImport(t.db, host.id, actor.name);
    await importInventoryJob({ db: t.db, secrets, log: () => undefined }, { sourceHostId: host.id, importId: imp.id });
    await saveMappings(t.db, {
      networks: [{ name: 'qemu user net', cidr: '10.0.2.0/24', gateway: '10.0.2.2', cloudstackNetworkId: 'net-lab' }],
      offerings: [],
      osTypes: [],
    });
    const ct = await t.prisma.container.findFirstOrThrow({ where: { sourceCtid: CTID } });
    const box = await registerConverterBox(t.db, {
      name: 'bench-box',
      workDir,
      freeDiskBytes: 1n << 40n,
      totalDiskBytes: 1n << 40n,
      cores: os.cpus().length,
      maxConcurrentRuns: 1,
      templateServerUrl: null,
      version: 'bench',
    });

    const migration = await newRun(t, ct.id, box.id, 'migration');
    runs.push(migration);
    console.log('prepare_source (kernel and grub installed inside the running container, before any downtime) ...');
    await runStage(t, deps, migration, 'prepare_source');
    const total = files(root).length;
    const bytes = Number(execFileSync('du', ['-sb', root], { encoding: 'utf8' }).split('\t')[0]);
    say(`container ${CTID}: ${total} files, ${(bytes / 2 ** 30).toFixed(2)} GiB`);
    const live: Record<string, number> = {};
    for (const s of ['create_disk', 'initial_sync'] as const) live[s] = await runStage(t, deps, migration, s);
    const changed = change(root, total);
    phase = 'downtime';
    const down: Record<string, number> = {};
    for (const s of [
      'stop_source',
      'final_sync',
      'detect_os',
      'backup_config',
      'rewrite_config',
      'make_bootable',
      'convert_image',
    ] as const)
      down[s] = await runStage(t, deps, migration, s);
    // ended, so that the same container can go into the cold copy's batch
    await completeCancel(t.db, migration, new Date());
    await (await deps.source(toRunSnapshot(await loadRunContext(t.db, migration)))).adapter.start(toCtid(CTID));

    phase = 'cold';
    const coldRun = await newRun(t, ct.id, box.id, 'cold copy');
    runs.push(coldRun);
    const cold: Record<string, number> = {};
    // final_sync on a fresh disk is the full copy of the stopped container (from its private area)
    for (const s of [
      'stop_source',
      'create_disk',
      'final_sync',
      'detect_os',
      'backup_config',
      'rewrite_config',
      'make_bootable',
      'convert_image',
    ] as const)
      cold[s] = await runStage(t, deps, coldRun, s);

    say(`${changed} files (${(CHANGED_SHARE * 100).toFixed(0)} %) changed between the syncs`);
    show('before', live);
    show('downtime', down);
    show('cold', cold);
    say(
      `downtime ${sum(down).toFixed(1)} s, cold offline copy ${sum(cold).toFixed(1)} s: ratio ${(sum(down) / sum(cold)).toFixed(2)}`,
    );
    const coldOutside = sum(cold) - (inAppliance.cold ?? 0);
    say(
      `without the appliance VM's time on either side (a lower bound for a KVM box): downtime ${(sum(down) - (inAppliance.downtime ?? 0)).toFixed(1)} s, cold ${coldOutside.toFixed(1)} s: ratio ${((sum(down) - (inAppliance.downtime ?? 0)) / coldOutside).toFixed(2)}`,
    );
    for (const [label, times] of [
      ['before', live],
      ['downtime', down],
      ['cold', cold],
    ] as const) {
      const vm = inAppliance[label] ?? 0;
      say(
        `appliance VM (${appliance.kvm ? 'KVM if /dev/kvm opens' : 'TCG'}) ${label}: ${vm.toFixed(1)} s of ${sum(times).toFixed(1)} s (${((100 * vm) / sum(times)).toFixed(0)} %)`,
      );
    }
    return {
      title: 'Downtime vs a cold offline copy',
      lines: [
        "The lab's Debian 12 container, grown; our downtime (stop_source to the final image, after an initial",
        'sync while it ran) beside a cold offline copy of the same container (the baseline), seconds per stage:',
        '',
        '```',
        ...out,
        '```',
      ],
    };
  } finally {
    for (const id of runs) await release(x, workPaths(workDir, id)).catch(() => undefined);
    await deps.close();
    await server.stop();
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
    await t.drop();
  }
}
