// Executes a conversion plan (packages/guest) on a mounted guest disk:
// back up every file the plan changes, install the boot packages that are
// missing, write, remove and link files, then run the plan's commands in a
// chroot with their output streamed to the run log. Safe to run again: the
// first run's backup is kept (it holds the container's originals), writes
// replace, packages already there are not installed twice.
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Executor } from '@vzferry/core';
import type { ConversionPlan } from '@vzferry/guest';
import { openChroot, type ChrootSession } from './chroot';

export interface ApplyOptions {
  /** the whole disk's device, for grub-install ({disk} in the plan) */
  disk: string;
  log: (line: string) => void;
  /** per command; apt downloads can be slow */
  commandTimeoutMs?: number;
  /** a directory of this box that keeps apt's downloaded packages between conversions */
  aptCacheDir?: string;
}

/** All of a plan at once: backup_config, rewrite_config and make_bootable in a row. */
export async function applyPlan(x: Executor, root: string, plan: ConversionPlan, opts: ApplyOptions): Promise<void> {
  await backupPlanFiles(x, root, plan, opts.log);
  await rewritePlanFiles(root, plan);
  await makeBootable(x, root, plan, opts);
}

/** rewrite_config: the plan's file writes, removals and links (after backupPlanFiles). */
export async function rewritePlanFiles(root: string, plan: ConversionPlan): Promise<void> {
  await changeFiles(root, plan);
}

/** make_bootable: the boot packages that are missing, then the plan's commands, in a chroot. */
export async function makeBootable(x: Executor, root: string, plan: ConversionPlan, opts: ApplyOptions): Promise<void> {
  const session = await openChroot(x, root, {
    aptCacheDir: plan.os.packageManager === 'apt' ? opts.aptCacheDir : undefined,
  });
  try {
    await installMissing(session, plan, opts);
    for (const c of plan.commands) {
      const argv = c.argv.map((a) => a.replaceAll('{disk}', opts.disk));
      opts.log(`$ ${argv.join(' ')}    # ${c.why}`);
      await session.run(argv, {
        timeoutMs: opts.commandTimeoutMs ?? 600_000,
        onStdout: lines(opts.log),
        onStderr: lines(opts.log),
      });
    }
  } finally {
    await session.close();
  }
  // the session put the guest's own resolv.conf back; the plan's goes last
  const resolv = plan.write.find((w) => w.path === '/etc/resolv.conf');
  if (resolv) await writeGuestFile(root, resolv.path, resolv.content, resolv.mode);
}

function lines(log: (l: string) => void): (chunk: string) => void {
  return (chunk) =>
    chunk
      .split('\n')
      .filter((l) => l.trim() !== '')
      .forEach((l) => log(l));
}

/** Guest path -> host path, refusing anything that would leave the guest's root. */
export function inGuest(root: string, guestPath: string): string {
  const p = path.join(root, path.posix.normalize(`/${guestPath}`));
  if (!p.startsWith(`${path.resolve(root)}/`)) throw new Error(`${guestPath} is outside the guest`);
  return p;
}

/** backup_config: every file the plan changes, copied under its backup dir once (a re-run keeps the first copy). */
export async function backupPlanFiles(
  x: Executor,
  root: string,
  plan: ConversionPlan,
  log: (l: string) => void,
): Promise<void> {
  const dir = inGuest(root, plan.backupDir);
  const list = path.join(dir, 'FILES');
  if (existsSync(list)) {
    log(`backup: kept from the first run in ${plan.backupDir}`);
    return;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const p of plan.backup) {
    // cp -a --parents keeps modes, owners, symlinks as symlinks, and the path under the backup dir
    await x.exec(['cp', '-a', '--parents', `.${p}`, dir], { cwd: root });
  }
  await writeFile(list, plan.backup.map((p) => `${p}\n`).join(''));
  log(`backup: ${plan.backup.length} files in ${plan.backupDir}`);
}

async function installMissing(session: ChrootSession, plan: ConversionPlan, opts: ApplyOptions): Promise<void> {
  const missing: string[] = [];
  for (const pkg of plan.packages) {
    const installed =
      plan.os.packageManager === 'apt'
        ? (await session.run(['dpkg-query', '-W', '-f=${Status}', pkg], { allowExitCodes: [0, 1] })).stdout.includes(
            'install ok installed',
          )
        : (await session.run(['rpm', '-q', pkg], { allowExitCodes: [0, 1] })).code === 0;
    if (!installed) missing.push(pkg);
  }
  if (missing.length === 0) return;
  opts.log(`installing ${missing.join(' ')} (${plan.os.packageManager})`);
  // INITRD=No: the kernel's postinst skips its initramfs; the plan builds one, once, with every file in place
  const run = (argv: string[]) =>
    session.run(argv, {
      timeoutMs: opts.commandTimeoutMs ?? 900_000,
      onStdout: lines(opts.log),
      onStderr: lines(opts.log),
      env: { INITRD: 'No' },
    });
  if (plan.os.packageManager === 'yum') {
    await run(['yum', '-y', 'install', ...missing]);
    return;
  }
  // grub-pc would ask where to install itself: we run grub-install on the disk ourselves
  await session.run(['debconf-set-selections'], {
    stdin: 'grub-pc grub-pc/install_devices_empty boolean true\ngrub-pc grub-pc/install_devices multiselect\n',
  });
  await run(['apt-get', 'update']);
  await run([
    'apt-get',
    'install',
    '-y',
    '--no-install-recommends',
    '-o',
    'Dpkg::Options::=--force-confdef',
    '-o',
    'Dpkg::Options::=--force-confold',
    ...missing,
  ]);
}

async function changeFiles(root: string, plan: ConversionPlan): Promise<void> {
  for (const p of plan.remove) await rm(inGuest(root, p), { force: true, recursive: false });
  for (const w of plan.write) await writeGuestFile(root, w.path, w.content, w.mode);
  for (const [p, target] of Object.entries(plan.links)) {
    const file = inGuest(root, p);
    await rm(file, { force: true });
    await symlink(target, file);
  }
}

/** Writes a regular file, replacing a symlink rather than writing through it (it may point outside the guest). */
async function writeGuestFile(root: string, guestPath: string, content: string, mode: number): Promise<void> {
  const file = inGuest(root, guestPath);
  await mkdir(path.dirname(file), { recursive: true });
  const st = await lstat(file).catch(() => null);
  if (st?.isSymbolicLink()) await rm(file);
  await writeFile(file, content);
  await chmod(file, mode);
}

/** The list of backed-up files of a guest (what the UI shows as the diff's base). */
export async function readBackupList(root: string, plan: Pick<ConversionPlan, 'backupDir'>): Promise<string[]> {
  const text = await readFile(path.join(inGuest(root, plan.backupDir), 'FILES'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean);
}
