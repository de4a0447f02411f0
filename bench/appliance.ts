// bench/appliance: what one guest job costs before any guest code runs. The
// appliance VM (the boot ISO's kernel and initramfs under QEMU, see
// packages/pipeline/src/box/appliance.ts) boots on a small work disk, runs
// one `true` in the guest and powers off; five times with TCG, and five with
// KVM if /dev/kvm opens and a first KVM boot finishes within a minute (a
// nested /dev/kvm may hang a stock kernel:
// docs/platforms.md, "QEMU: TCG only"). The baseline is the same image's work done by nothing: the time to
// unmount and mount the work disk again, which every job also pays.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  applianceImage,
  ApplianceRunner,
  attachDisk,
  createDiskImage,
  detachDisk,
  LocalExecutor,
  makeFilesystem,
  mountDisk,
  type AttachedDisk,
} from '@vzferry/pipeline';
import { buildBootIso } from '@vzferry/worker';
import { table, type BenchResult } from './support/results';

const TIMES = 5;

export async function run(): Promise<BenchResult> {
  const x = new LocalExecutor();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-bench-appliance-'));
  const mnt = path.join(dir, 'mnt');
  let disk: AttachedDisk | null = null;
  try {
    const iso = await buildBootIso({ out: path.join(dir, 'vzferry-boot.iso') });
    await createDiskImage(x, path.join(dir, 'disk.raw'), 256 * 1024 * 1024);
    disk = await attachDisk(x, path.join(dir, 'disk.raw'));
    await makeFilesystem(x, disk, '0f0e0d0c-0b0a-4908-8706-050403020100');
    await mountDisk(x, disk, mnt);
    // the guest: the host's static busybox as /bin/true
    await x.exec(['mkdir', '-p', `${mnt}/bin`]);
    await x.exec(['cp', '/bin/busybox', `${mnt}/bin/busybox`]);
    await x.exec(['ln', '-s', 'busybox', `${mnt}/bin/true`]);
    const work = { disk, mount: mnt, scratch: dir };
    const once = async (kvm: boolean, timeoutMs: number) => {
      const runner = new ApplianceRunner(x, { image: applianceImage(iso.applianceDir), kvm }, work);
      const started = performance.now();
      await runner.run({ env: {}, commands: [{ argv: ['true'] }] }, { log: () => undefined, timeoutMs });
      return (performance.now() - started) / 1000;
    };
    const remount: number[] = [];
    for (let i = 0; i < TIMES; i++) {
      const started = performance.now();
      await x.exec(['umount', mnt]);
      await mountDisk(x, disk, mnt);
      remount.push((performance.now() - started) / 1000);
    }
    const rows = [show('umount + mount of the work disk (baseline)', remount)];
    const tcg: number[] = [];
    for (let i = 0; i < TIMES; i++) tcg.push(await once(false, 300_000));
    rows.push(show('appliance job (boot, one `true`, power off), TCG', tcg));
    const first = await once(true, 60_000).catch((e: unknown) => e as Error);
    if (first instanceof Error) {
      const why = first.message.split('\n')[0]!;
      console.log(`appliance job, KVM: not measured here (${why})`);
      rows.push(['appliance job, KVM', 'not measured here', why]);
    } else {
      const kvm = [first];
      for (let i = 1; i < TIMES; i++) kvm.push(await once(true, 300_000));
      rows.push(show('appliance job, KVM', kvm));
    }
    return {
      title: "The appliance VM's cost per guest job",
      lines: [
        `The appliance booted ${TIMES} times on a 256 MiB work disk to run one \`true\` in the guest.`,
        '',
        ...table(['', 'median', 'each run'], rows),
      ],
    };
  } finally {
    await x.exec(['umount', mnt], { allowExitCodes: [0, 1, 32] }).catch(() => undefined);
    if (disk) await detachDisk(x, disk);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** prints one line and returns its table row */
function show(label: string, seconds: number[]): string[] {
  const sorted = [...seconds].sort((a, b) => a - b);
  const median = `${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} s`;
  const each = sorted.map((s) => s.toFixed(2)).join(', ') + ' s';
  console.log(`${label.padEnd(50)} median ${median}  (${each})`);
  return [label, median, each];
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
