// The appliance VM: a GuestRunner that boots the boot ISO's kernel and
// initramfs (apps/worker/src/boot-iso, appliance.sh) under QEMU for each
// job, with the run's work disk as its first virtio disk, the job on a
// second (read-only) and the result on a third, no network device, no host
// share, and nothing of the worker's environment. The guest code it runs can
// wreck the VM, never the converter box: that is the boundary libguestfs
// draws too (guestfs-security(1)). KVM when the box allows it, TCG otherwise.
//
// The host's mount of the work disk is taken away for the job (two kernels
// must not mount one ext4 at once) and put back after it, also after a
// failure. QEMU reaches the disk through its loop device with O_DIRECT, so
// the host sees every write once the VM is off. Guest code had the raw disk
// as root in the VM, so its file system is checked in user space (e2fsck)
// before the host's kernel mounts it again (guestfs-security(1)).
// QEMU runs in a process group of its own: a worker killed mid-job leaves it
// running on the disk, so it writes its pid next to the disk, and whoever
// touches the disk next stops it first (stopLeftAppliance).
import { constants, existsSync } from 'node:fs';
import { access, mkdtemp, open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError, ExecError, sleep, type Executor } from '@vzferry/core';
import { mountDisk, type AttachedDisk } from './disk';
import { GUEST_ENV, type GuestJob, type GuestJobResult, type GuestRunner, type GuestRunOptions } from './guest-job';

export interface ApplianceImage {
  /** the boot ISO's kernel and initramfs (npm run boot-iso writes them to <dir>/vmlinuz, <dir>/initrd.gz) */
  kernel: string;
  initrd: string;
}

export interface ApplianceSettings {
  image: ApplianceImage;
  /** use KVM when /dev/kvm can be opened (APPLIANCE_KVM); TCG otherwise */
  kvm: boolean;
  memoryMb?: number;
}

/**
 * The appliance's kernel unpacked, which QEMU boots through its PVH entry:
 * the bzImage's own decompression took 3 of an appliance job's 7.5 s under
 * TCG (apps/worker/src/boot-iso/pvh-kernel.ts). The boot ISO's build writes
 * it when the kernel has that entry.
 */
export const APPLIANCE_PVH_KERNEL = 'vmlinux';

/** The appliance's files in a directory (the worker's APPLIANCE_DIR): vmlinux when the build wrote one. */
export function applianceImage(dir: string): ApplianceImage {
  const pvh = path.join(dir, APPLIANCE_PVH_KERNEL);
  return { kernel: existsSync(pvh) ? pvh : path.join(dir, 'vmlinuz'), initrd: path.join(dir, 'initrd.gz') };
}

export function missingApplianceMessage(image: ApplianceImage): string | null {
  const missing = [image.kernel, image.initrd].filter((f) => !existsSync(f));
  if (missing.length === 0) return null;
  return `the guest-job appliance is missing (${missing.join(', ')}): build it with "npm run boot-iso -- --out <work dir>/vzferry-boot.iso", which writes it next to the ISO`;
}

/** the VM sees the work disk as its first virtio disk */
export const APPLIANCE_DISK = '/dev/vda';
const RESULT_BYTES = 16 * 1024 * 1024;
const CONSOLE_PREFIX = 'vzferry-appliance: ';

export interface WorkDiskMount {
  disk: AttachedDisk;
  /** where the host mounts the disk's file system (unmounted while the VM runs) */
  mount: string;
  /** a private directory of the run for the job and result disks */
  scratch: string;
}

export class ApplianceRunner implements GuestRunner {
  readonly disk = APPLIANCE_DISK;
  readonly where = 'the appliance VM';

  constructor(
    private readonly x: Executor,
    private readonly settings: ApplianceSettings,
    private readonly work: WorkDiskMount,
  ) {}

  async run(job: GuestJob, opts: GuestRunOptions): Promise<GuestJobResult> {
    const missing = missingApplianceMessage(this.settings.image);
    if (missing) throw new Error(missing);
    const dir = await mkdtemp(path.join(this.work.scratch, 'appliance-'));
    const files = { job: path.join(dir, 'job.img'), result: path.join(dir, 'result.img') };
    await writeFile(files.job, padToSector(encodeJob(job)), { mode: 0o600 });
    await writeFile(files.result, '', { mode: 0o600 });
    await truncate(files.result, RESULT_BYTES);
    const accel = this.settings.kvm && (await kvmUsable()) ? 'kvm' : 'tcg';
    const console = new ConsoleLines(opts.log);
    await stopLeftAppliance(this.work.scratch);
    await this.x.exec(['sync', '--file-system', this.work.mount]);
    await this.x.exec(['umount', this.work.mount]);
    try {
      const started = Date.now();
      await this.x
        .exec(
          qemuArgv({
            ...this.settings,
            accel,
            disk: this.work.disk.device,
            ...files,
            pidfile: appliancePidFile(this.work.scratch),
          }),
          {
            // QEMU gets no environment of the worker (nothing of it reaches the VM anyway)
            env: { PATH: GUEST_ENV.PATH! },
            timeoutMs: opts.timeoutMs ?? 30 * 60_000,
            signal: opts.signal,
            onStdout: (c) => console.push(c),
            maxCaptureBytes: 64 * 1024,
          },
        )
        .catch((err: unknown) => {
          throw err instanceof ExecError
            ? new Error(
                `the appliance VM (QEMU, ${accel}) ${err.timedOut ? 'timed out' : 'failed'}: ${err.message}\n${console.last()}`,
              )
            : err;
        });
      opts.log(`appliance: ${accel}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await this.remount();
    }
    const text = await readCapped(files.result, RESULT_BYTES);
    await rm(dir, { recursive: true, force: true });
    try {
      return decodeResult(text, job);
    } catch (err) {
      throw new Error(`${(err as Error).message}; the appliance's console ended with:\n${console.last()}`);
    }
  }

  private async remount(): Promise<void> {
    // whatever either device cached from before the VM wrote is stale now
    for (const dev of [this.work.disk.device, this.work.disk.partition])
      await this.x.exec(['blockdev', '--flushbufs', dev], { allowExitCodes: [0, 1] });
    await checkGuestFilesystem(this.x, this.work.disk.partition);
    await mountDisk(this.x, this.work.disk, this.work.mount);
  }
}

const appliancePidFile = (scratch: string) => path.join(scratch, 'appliance.pid');

/**
 * The appliance VM a killed worker left running on the run's disk (`scratch`
 * is the run's directory) is killed, and gone, before the disk is used again:
 * two kernels must not write one ext4. True if there was one: its guest had
 * the raw disk, so the disk is checked before it is mounted.
 */
export async function stopLeftAppliance(scratch: string): Promise<boolean> {
  const file = appliancePidFile(scratch);
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  const alive = async () => {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    // a zombie has let go of the disk; the process must be this run's QEMU (pids are reused)
    if (!stat || / Z /.test(stat.slice(stat.lastIndexOf(')')))) return false;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return cmdline.startsWith('qemu-system') && cmdline.includes(scratch);
  };
  const left = pid > 0 && (await alive());
  if (left) {
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    while (await alive()) {
      if (Date.now() > deadline) throw new Error(`the appliance VM (pid ${pid}) a stopped worker left does not go`);
      await sleep(100);
    }
  }
  await rm(file, { force: true });
  return left;
}

/**
 * e2fsck -f -p: a forced check that repairs only what is safe without a
 * question (exit 1 or 2); anything else (4 and up) leaves the file system
 * unmounted, with e2fsck's words in the error.
 */
export async function checkGuestFilesystem(x: Executor, partition: string): Promise<void> {
  const r = await x.exec(['e2fsck', '-f', '-p', partition], {
    allowExitCodes: [0, 1, 2, 4, 8, 12, 16, 32],
    env: { PATH: GUEST_ENV.PATH! },
  });
  if (r.code >= 4)
    throw new AppError(
      'work_disk_damaged',
      `e2fsck found damage on the work disk it may not repair by itself (exit ${r.code}); the box does not mount it: ${`${r.stdout}${r.stderr}`.trim().slice(-500)}`,
    );
}

/** /dev/kvm can be opened read-write by this process */
async function kvmUsable(): Promise<boolean> {
  return access('/dev/kvm', constants.R_OK | constants.W_OK).then(
    () => true,
    () => false,
  );
}

/** a comma in a -drive value is written twice (QEMU's option syntax) */
const qemuPath = (p: string) => p.replaceAll(',', ',,');

export function qemuArgv(o: {
  image: ApplianceImage;
  accel: 'kvm' | 'tcg';
  memoryMb?: number;
  disk: string;
  job: string;
  result: string;
  /** where QEMU writes its pid */
  pidfile?: string;
}): string[] {
  return [
    'qemu-system-x86_64',
    // no default devices (NIC, CD-ROM, VGA), no config files of the host
    '-nodefaults',
    '-no-user-config',
    '-nic',
    'none',
    '-accel',
    o.accel,
    '-cpu',
    o.accel === 'kvm' ? 'host' : 'max',
    '-m',
    String(o.memoryMb ?? 768),
    '-smp',
    '1',
    '-display',
    'none',
    '-monitor',
    'none',
    '-serial',
    'stdio',
    '-no-reboot',
    // once its disks are open QEMU runs as nobody, under seccomp: it may not
    // spawn or use obsolete system calls (nor regain root, having dropped it)
    '-runas',
    'nobody',
    '-sandbox',
    'on,obsolete=deny,spawn=deny,resourcecontrol=deny',
    '-kernel',
    o.image.kernel,
    '-initrd',
    o.image.initrd,
    '-append',
    'console=ttyS0,115200n8 quiet loglevel=3 panic=-1 vzferry.appliance',
    '-drive',
    `file=${qemuPath(o.disk)},format=raw,if=virtio,cache=none,aio=threads`,
    '-drive',
    `file=${qemuPath(o.job)},format=raw,if=virtio,readonly=on`,
    '-drive',
    `file=${qemuPath(o.result)},format=raw,if=virtio`,
    ...(o.pidfile ? ['-pidfile', o.pidfile] : []),
  ];
}

const b64 = (s: string) => (s === '' ? '-' : Buffer.from(s, 'utf8').toString('base64'));

/** The job disk's text (appliance.sh reads it): env lines, cmd lines, "end". */
export function encodeJob(job: GuestJob): string {
  const env = Object.entries({ ...GUEST_ENV, ...job.env }).map(([k, v]) => `env ${b64(`${k}=${v}`)}\n`);
  const cmds = job.commands.map((c) => `cmd ${c.mayFail ? 1 : 0} ${c.argv.map(b64).join(' ')}\n`);
  return `${env.join('')}${cmds.join('')}end\n`;
}

function padToSector(text: string): Buffer {
  const data = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(Math.max(512, Math.ceil(data.length / 512) * 512));
  data.copy(out);
  return out;
}

const fromB64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString('utf8') : '');

/**
 * The result disk's text, written inside the VM: checked line by line. A
 * result without its "end" line means the VM did not finish the job.
 */
export function decodeResult(text: string, job: GuestJob): GuestJobResult {
  const lines = text.split('\n');
  if (lines[0] !== 'VZFERRY-RESULT 1') throw new Error('the appliance VM wrote no result');
  const result: GuestJobResult = { commands: [], changed: [], changedTruncated: false };
  for (const line of lines.slice(1)) {
    const [kind, ...f] = line.split(' ');
    if (kind === 'end') return { ...result, changed: result.changed.sort() };
    if (kind === 'cmd') {
      const index = Number(f[0]);
      const code = Number(f[1]);
      const cmd = job.commands[index];
      if (!cmd || index !== result.commands.length || !Number.isInteger(code) || code < 0 || code > 255)
        throw new Error(`the appliance VM's result has a bad line: ${line.slice(0, 100)}`);
      result.commands.push({ argv: cmd.argv, code, stdoutTail: fromB64(f[2]), stderrTail: fromB64(f[3]) });
    } else if (kind === 'changed') {
      const p = fromB64(f[0]);
      if (!p.startsWith('/')) throw new Error(`the appliance VM's result has a bad path: ${p.slice(0, 100)}`);
      result.changed.push(p);
    } else if (kind === 'truncated') {
      result.changedTruncated = true;
    } else if (kind === 'error') {
      throw new Error(`the appliance VM could not run the job: ${APPLIANCE_ERRORS[f[0] ?? ''] ?? f[0]}`);
    } else if (line !== '') {
      throw new Error(`the appliance VM's result has a bad line: ${line.slice(0, 100)}`);
    }
  }
  throw new Error('the appliance VM stopped before it finished the job (no "end" in its result)');
}

const APPLIANCE_ERRORS: Record<string, string> = {
  'no-disks': 'its disks did not appear',
  'no-guest-fs': "the work disk's first partition is not an ext4 file system it can mount",
};

async function readCapped(file: string, max: number): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(max);
    const { bytesRead } = await fh.read(buf, 0, max, 0);
    const data = buf.subarray(0, bytesRead);
    const nul = data.indexOf(0);
    return data.subarray(0, nul < 0 ? data.length : nul).toString('utf8');
  } finally {
    await fh.close();
  }
}

/** The serial console, line by line: the commands' output to the run log, the last lines kept for errors. */
class ConsoleLines {
  private partial = '';
  private readonly tail: string[] = [];

  constructor(private readonly log: (line: string) => void) {}

  push(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const raw of lines) this.line(raw.replace(/\r$/, ''));
  }

  last(): string {
    return this.tail.join('\n');
  }

  private line(line: string): void {
    this.tail.push(line.slice(0, 500));
    if (this.tail.length > 40) this.tail.shift();
    if (!line.startsWith(CONSOLE_PREFIX)) return;
    const said = line.slice(CONSOLE_PREFIX.length);
    const out = /^(?:out|err): (.*)$/.exec(said);
    if (out) {
      if (out[1]!.trim() !== '') this.log(out[1]!);
    } else {
      this.log(`appliance: ${said}`);
    }
  }
}
