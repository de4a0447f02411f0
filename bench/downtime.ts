// bench/downtime: what the customer's downtime costs, classic and staged,
// at two sizes of the same container, beside a cold offline copy.
//
// The whole product on the lab, as the boot tests run it (the real worker
// process, its template and delta servers, the boot ISO; the lab's
// CloudStack with its realistic image-store download rate, 25 MB/s, and VMs
// whose IPs answer once started; a staged VM's pull boots its real root
// volume under QEMU). The lab's Debian 12 container is grown with customer
// data (8,000 files of 64 KiB: about 1.3 GiB, 20,000 files), then, for the
// second size, with 64 MiB files to at least 4 GiB (its quota raised and the
// host imported again, as an engineer would). At each size the container
// goes through runs of its own, each with a downtime window that opens in 12
// hours: a classic run, then a staged one. While each waits in
// await_cutover, right after its last sync, 2 % of all the container's files
// change: a 64 KiB block of each rewritten, among the small data files (the
// same change at both sizes: only the container grew); then the window
// opens (none: at once). At the second size a third run, staged, spreads
// the change over all data files, so some 64 MiB ones change too. Between
// the runs the VM is expunged and the container started again.
//
//   classic downtime  stop_source until verify found the VM answering: the
//                     run's recorded downtime window
//   staged downtime   the same, on the staged path (stop_source, final_sync
//                     and the VM's pull of the changes, verify)
//   cold copy         the baseline: everything the classic run did, all of it
//                     while the container is down (stop, a new disk, the full
//                     copy with the guest's conversion job, the conversion,
//                     the template and the VM): the classic run's
//                     create_disk and initial_sync plus its downtime, less its
//                     final_sync (after a cold full copy nothing is left to sync)
//
// A guest's own boot after verify is in none of the figures (the lab's VMs
// answer when started; it is the same on every path). About 35 minutes here
// (the guest's tools run in the appliance VM under TCG without KVM).
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CutoverPath, Stage } from '@vzferry/core';
import { createCloudStackClient } from '@vzferry/cloudstack';
import { createBatch, savePipelineSettings, startBatch } from '@vzferry/db';
import { DEFAULT_DOWNLOAD_RATE } from '@vzferry/lab';
import { SshExecutor } from '@vzferry/ssh';
import { until, windowIn12Hours } from '@vzferry/worker/testing/lab-runs';
import { waitForBatch, type LabStack } from '@vzferry/worker/testing/lab-stack';
import { startStagedStack } from '@vzferry/worker/testing/staged-stack';
import { reimportHosts } from './support/reimport';
import { table, type BenchResult } from './support/results';

const CTID = 1012;
const DATA_FILES = 8_000;
const DATA_FILE_BYTES = 64 * 1024;
const BIG_FILE_BYTES = 64 * 2 ** 20;
const GROWN_BYTES = 4.1 * 2 ** 30;
const CHANGED_SHARE = 0.02;
const CHANGE_BYTES = 64 * 1024;
const actor = { name: 'bench' };

interface RunFigures {
  downtimeS: number;
  projectedS: number | null;
  /** seconds per stage, in the order they ran */
  stages: Array<[Stage, number]>;
  /** the stages inside the downtime */
  down: Stage[];
  lastCatchUpS: number | null;
}

interface SizeFigures {
  label: string;
  files: number;
  bytes: number;
  changed: number;
  classic: RunFigures;
  staged: RunFigures;
  /** at the second size: a staged run whose changes also hit the 64 MiB files */
  stagedBig: (RunFigures & { bigChanged: number }) | null;
}

const log = (line: string) => console.log(`[downtime] ${new Date().toISOString().slice(11, 19)} ${line}`);
const gib = (b: number) => (b / 2 ** 30).toFixed(2);
const s1 = (x: number) => x.toFixed(1);

/** Every regular file under a tree (relative paths, sorted). */
function files(root: string, rel = ''): string[] {
  return readdirSync(path.join(root, rel), { withFileTypes: true })
    .flatMap((e) => {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) return files(root, r);
      return e.isFile() ? [r] : [];
    })
    .sort();
}

const usedBytes = (root: string) => Number(execFileSync('du', ['-sb', root], { encoding: 'utf8' }).split('\t')[0]);

/** The customer's data: small files at the first size, 64 MiB ones added for the second. */
function addSmallData(root: string): void {
  for (let i = 0; i < DATA_FILES; i++) {
    const dir = path.join(root, 'srv/bench', `d${Math.floor(i / 200)}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `f${i}`), randomBytes(DATA_FILE_BYTES));
  }
}

function growTo(root: string, target: number): void {
  const dir = path.join(root, 'srv/bench/big');
  mkdirSync(dir, { recursive: true });
  for (let i = 0; usedBytes(root) < target; i++) {
    const fd = openSync(path.join(dir, `b${i}`), 'w');
    for (let at = 0; at < BIG_FILE_BYTES; at += 2 ** 20) writeSync(fd, randomBytes(2 ** 20));
    closeSync(fd);
  }
}

/**
 * 2 % of all the container's files change: a 64 KiB block of each rewritten
 * in place (a whole small file; a block of a big one, as a database writes
 * its pages), spread evenly over the small data files, or over all the data
 * files with `big` (then some of the 64 MiB ones change too).
 */
function change(root: string, total: number, big: boolean): { n: number; big: number } {
  const data = files(root, 'srv/bench').filter((f) => big || !f.startsWith('srv/bench/big/')); // relative to root
  const n = Math.ceil(total * CHANGED_SHARE);
  let bigOnes = 0;
  for (let i = 0; i < n; i++) {
    const rel = data[Math.floor((i * data.length) / n)]!;
    if (rel.startsWith('srv/bench/big/')) bigOnes++;
    const file = path.join(root, rel);
    const size = statSync(file).size;
    const at = Math.floor(Math.random() * Math.max(1, size / CHANGE_BYTES)) * CHANGE_BYTES;
    const fd = openSync(file, 'r+');
    writeSync(fd, randomBytes(Math.min(CHANGE_BYTES, size)), 0, Math.min(CHANGE_BYTES, size), Math.min(at, size - 1));
    closeSync(fd);
  }
  return { n, big: bigOnes };
}

/** The lab hypervisor's vzctl over SSH, its host key pinned. */
async function vzctl(stack: LabStack, args: string[]): Promise<void> {
  const hv = stack.lab.manifest.hypervisors[0]!;
  const ssh = await SshExecutor.connect({
    host: hv.address,
    port: hv.port,
    username: hv.username,
    privateKey: readFileSync(hv.privateKeyPath),
    pinnedFingerprint: hv.hostKeyFingerprint,
  });
  try {
    await ssh.exec(['vzctl', ...args]);
  } finally {
    await ssh.close();
  }
}

/** One run of the container on `cutover`, its files changed while it waits for its window. */
async function migrate(
  stack: LabStack,
  root: string,
  cutover: CutoverPath,
  name: string,
  bigFilesChange = false,
): Promise<{ figures: RunFigures; changed: { n: number; big: number }; files: number; bytes: number }> {
  const { prisma } = stack.t;
  const ct = await prisma.container.findFirstOrThrow({ where: { sourceCtid: CTID }, include: { customer: true } });
  await savePipelineSettings(stack.t.db, { cutoverMode: cutover });
  await prisma.container.update({
    where: { id: ct.id },
    data: { downtimeWindow: windowIn12Hours(ct.customer?.timezone ?? 'UTC') },
  });
  const batch = await createBatch(stack.t.db, { name, containerIds: [ct.id], concurrency: 1 }, actor);
  await startBatch(stack.t.db, batch.id, {});
  log(`${name}: started; waiting for the run to wait for its window`);
  const waiting = await until(
    `${name} waiting for its window`,
    async () => {
      const r = await prisma.migrationRun.findFirst({ where: { batchId: batch.id } });
      if (r && ['failed', 'cancelled'].includes(r.status)) throw new Error(`${name}: the run ${r.status}: ${r.error}`);
      return r?.status === 'waiting' && r.currentStage === 'await_cutover' && r.projectedDowntimeMs !== null && r;
    },
    3_600_000,
  );
  // its size as it runs now (prepare_source installed the kernel in the first run); the change at once after
  // the last sync (the next catch-up is a minute away), then the window opens
  const total = files(root).length;
  const bytes = usedBytes(root);
  const changed = change(root, total, bigFilesChange);
  await prisma.container.update({ where: { id: ct.id }, data: { downtimeWindow: null } });
  log(
    `${name}: ${total} files, ${gib(bytes)} GiB, ${changed.n} files changed (${changed.big} of 64 MiB); the window is open`,
  );
  const [run] = await waitForBatch(stack, batch.id, 3_600_000);
  if (run!.status !== 'succeeded') throw new Error(`${name}: the run ${run!.status}: ${run!.error}`);
  const done = await prisma.migrationRun.findUniqueOrThrow({
    where: { id: run!.id },
    include: {
      stageRuns: { where: { status: 'succeeded' }, orderBy: { startedAt: 'asc' } },
      catchUpSyncs: { orderBy: { startedAt: 'desc' }, take: 1 },
    },
  });
  if (done.cutoverPath !== cutover) throw new Error(`${name} went ${done.cutoverPath}: ${done.error}`);
  const downStart = done.downtimeStartedAt!;
  const downEnd = done.downtimeEndedAt!;
  const figures: RunFigures = {
    downtimeS: (downEnd.getTime() - downStart.getTime()) / 1000,
    projectedS: waiting.projectedDowntimeMs === null ? null : waiting.projectedDowntimeMs / 1000,
    stages: done.stageRuns.map((st) => [st.stage, (st.finishedAt!.getTime() - st.startedAt!.getTime()) / 1000]),
    down: done.stageRuns.filter((st) => st.finishedAt! > downStart && st.startedAt! <= downEnd).map((st) => st.stage),
    lastCatchUpS: done.catchUpSyncs[0] ? done.catchUpSyncs[0].durationMs / 1000 : null,
  };
  log(`${name}: downtime ${s1(figures.downtimeS)} s`);
  await undo(stack, done.cloudstackVmId!);
  return { figures, changed, files: total, bytes };
}

/** Back to before the run: its VM expunged (its IPs freed), the container running and not migrated. */
async function undo(stack: LabStack, vmId: string): Promise<void> {
  const cs = stack.lab.manifest.cloudstack!;
  const client = createCloudStackClient({ endpoint: cs.endpoint, apiKey: cs.apiKey, secretKey: cs.secretKey });
  await client.destroyVirtualMachine({ id: vmId, expunge: true });
  await vzctl(stack, ['set', String(CTID), '--onboot', 'yes', '--save']);
  await vzctl(stack, ['start', String(CTID)]);
  const ct = await stack.t.prisma.container.findFirstOrThrow({ where: { sourceCtid: CTID } });
  await reimportHosts(stack.t.db, stack.producer, [ct.sourceHostId]);
  // the bench's own reset: a migrated container is never migrated again in the product
  await stack.t.prisma.container.update({ where: { id: ct.id }, data: { migrationState: 'not_started' } });
}

const secondsOf = (f: RunFigures, stage: Stage) => f.stages.find(([s]) => s === stage)?.[1] ?? 0;

/** The baseline: all of the classic run's work inside the downtime (see the head of this file). */
function coldCopyS(classic: RunFigures): number {
  return (
    classic.downtimeS -
    secondsOf(classic, 'final_sync') +
    secondsOf(classic, 'create_disk') +
    secondsOf(classic, 'initial_sync')
  );
}

function downStages(f: RunFigures): string {
  return f.down.map((s) => `${s} ${s1(secondsOf(f, s))}`).join(', ');
}

export async function run(): Promise<BenchResult> {
  const t0 = performance.now();
  const staged = await startStagedStack(
    'benchdowntime',
    { hosts: 1, containers: 12, debian12: true, cloudstackDownloadRate: DEFAULT_DOWNLOAD_RATE },
    { cutoverMode: 'classic' },
  );
  const stack = staged.stack;
  const sizes: SizeFigures[] = [];
  try {
    const hv = stack.lab.manifest.hypervisors[0]!;
    const root = path.join(stack.dir, 'lab/hosts', hv.name, 'vz/private', String(CTID));
    const conf = path.join(stack.dir, 'lab/hosts', hv.name, 'etc-vz/conf', `${CTID}.conf`);
    const ct = await stack.t.prisma.container.findFirstOrThrow({ where: { sourceCtid: CTID } });
    log(`stack up in ${s1((performance.now() - t0) / 1000)} s; growing the container`);
    addSmallData(root);
    for (const [label, grow] of [
      ['1.3 GiB', null],
      ['4 GiB', GROWN_BYTES],
    ] as const) {
      if (grow) {
        growTo(root, grow);
        // its quota raised to twice the data, as the hosting company would before moving a grown container
        const kb = Math.ceil((2 * grow) / 1024);
        writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^DISKSPACE=.*$/m, `DISKSPACE="${kb}:${kb}"`));
      }
      await reimportHosts(stack.t.db, stack.producer, [ct.sourceHostId]);
      const classic = await migrate(stack, root, 'classic', `${label} classic`);
      const stagedRun = await migrate(stack, root, 'staged', `${label} staged`);
      const stagedBig = grow ? await migrate(stack, root, 'staged', `${label} staged, big files changed`, true) : null;
      sizes.push({
        label,
        files: classic.files,
        bytes: classic.bytes,
        changed: classic.changed.n,
        classic: classic.figures,
        staged: stagedRun.figures,
        stagedBig: stagedBig && { ...stagedBig.figures, bigChanged: stagedBig.changed.big },
      });
    }
    return result(sizes, (performance.now() - t0) / 1000);
  } finally {
    await staged.stop();
  }
}

function result(sizes: SizeFigures[], wallS: number): BenchResult {
  const [small, big] = sizes as [SizeFigures, SizeFigures];
  const growth = big.staged.downtimeS / small.staged.downtimeS - 1;
  const shorter = big.classic.downtimeS / big.staged.downtimeS;
  const rows = sizes.map((z) => [
    `${z.label} (${gib(z.bytes)} GiB, ${z.files} files, ${z.changed} changed)`,
    s1(z.classic.downtimeS),
    s1(z.staged.downtimeS),
    s1(coldCopyS(z.classic)),
    z.staged.projectedS === null ? '-' : s1(z.staged.projectedS),
  ]);
  const detail = sizes.flatMap((z) => [
    `${z.label} classic downtime ${s1(z.classic.downtimeS)} s: ${downStages(z.classic)}`,
    `${z.label} staged  downtime ${s1(z.staged.downtimeS)} s: ${downStages(z.staged)}; last catch-up sync ${z.staged.lastCatchUpS === null ? '-' : s1(z.staged.lastCatchUpS)} s`,
    `${z.label} cold copy ${s1(coldCopyS(z.classic))} s: create_disk ${s1(secondsOf(z.classic, 'create_disk'))}, initial_sync ${s1(secondsOf(z.classic, 'initial_sync'))} (the full copy and the guest's conversion job), the classic downtime less final_sync ${s1(secondsOf(z.classic, 'final_sync'))}`,
    ...(z.stagedBig
      ? [
          `${z.label} staged, the 2 % spread over all data files (${z.stagedBig.bigChanged} of them 64 MiB ones): downtime ${s1(z.stagedBig.downtimeS)} s: ${downStages(z.stagedBig)}`,
        ]
      : []),
    `${z.label} staging before the window (staged run): ${['detect_os', 'backup_config', 'rewrite_config', 'make_bootable', 'convert_image', 'register_template', 'deploy_vm'].map((s) => `${s} ${s1(secondsOf(z.staged, s as Stage))}`).join(', ')}`,
  ]);
  for (const line of detail) console.log(line);
  return {
    title: 'Downtime: classic, staged and a cold offline copy, at two sizes',
    lines: [
      `The lab's Debian 12 container at two sizes, migrated classic and staged by the whole product (worker, lab CloudStack`,
      `at its default image-store rate of ${DEFAULT_DOWNLOAD_RATE / 1e6} MB/s, the staged pull under QEMU), 2 % of its files changed`,
      `between the last sync and the stop; downtime = stop_source until verify found the VM answering (the run's`,
      `recorded window). The same change at both sizes: a 64 KiB block of each of 2 % of the files, among the`,
      `customer's small data files. The cold offline copy (the baseline) is all of the classic run's work inside the`,
      `downtime. "staged projected" is the run's projection before its cutover (the model's fixed cost before the`,
      `zone's first staged cutover, the measured one after).`,
      `Seconds; ${s1(wallS / 60)} min in all.`,
      '',
      ...table(['container', 'classic downtime', 'staged downtime', 'cold offline copy', 'staged projected'], rows),
      '',
      `- staged downtime at ${big.label} vs ${small.label}: ${growth >= 0 ? '+' : ''}${(100 * growth).toFixed(1)} % (goal: within 15 %) ${Math.abs(growth) <= 0.15 ? 'met' : 'NOT met'}`,
      `- classic / staged downtime at ${big.label}: ${shorter.toFixed(1)}x (goal: at least 3x) ${shorter >= 3 ? 'met' : 'NOT met'}`,
      ...(big.stagedBig
        ? [
            `- when some of the changed files are big ones (${big.stagedBig.bigChanged} of 64 MiB among them), the staged downtime at ${big.label} is ${s1(big.stagedBig.downtimeS)} s: rsync reads a changed file whole on both sides (the pull's side under QEMU here)`,
          ]
        : []),
      '',
      '```',
      ...detail,
      '```',
    ],
  };
}
