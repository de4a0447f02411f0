// Executes a conversion plan (packages/guest) on a mounted guest disk:
// back up every file the plan changes, install the boot packages that are
// missing, write, remove and link files, then run the plan's commands in a
// chroot with their output streamed to the run log. Safe to run again: the
// first run's backup is kept (it holds the container's originals), writes
// replace, packages already there are not installed twice.
import path from 'node:path';
import type { Executor } from '@vzferry/core';
import { guestRoot, type ConversionPlan } from '@vzferry/guest';
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
  if (resolv) guestRoot(root).write(resolv.path, resolv.content, resolv.mode);
}

function lines(log: (l: string) => void): (chunk: string) => void {
  return (chunk) =>
    chunk
      .split('\n')
      .filter((l) => l.trim() !== '')
      .forEach((l) => log(l));
}

/**
 * backup_config: every file the plan changes, copied under its backup dir
 * once (a re-run keeps the first copy). Both sides are resolved inside the
 * guest (guest-root.ts): a guest's links can neither pull a host file into
 * the backup nor send the copy out of the guest. The backup dir is ours: a
 * link the guest left at its name is replaced by the directory.
 */
export async function backupPlanFiles(
  x: Executor,
  root: string,
  plan: ConversionPlan,
  log: (l: string) => void,
): Promise<void> {
  const g = guestRoot(root);
  const list = path.posix.join(plan.backupDir, 'FILES');
  if (g.read(list) !== null) {
    log(`backup: kept from the first run in ${plan.backupDir}`);
    return;
  }
  const at = g.resolve(plan.backupDir, { final: false });
  if (at.stat?.isSymbolicLink()) {
    log(`backup: ${plan.backupDir} in the guest was a link; replaced by a directory`);
    g.remove(plan.backupDir);
  }
  g.mkdir(plan.backupDir, 0o700);
  for (const p of plan.backup) {
    const from = g.resolve(p, { final: false });
    if (!from.stat) continue;
    // cp -a keeps modes, owners and links as links; --remove-destination replaces what the guest may have put there
    await x.exec(['cp', '-a', '--remove-destination', '-T', from.host, g.entry(path.posix.join(plan.backupDir, p))]);
  }
  g.write(list, plan.backup.map((p) => `${p}\n`).join(''), 0o600);
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
  const g = guestRoot(root);
  for (const p of plan.remove) g.remove(p);
  for (const w of plan.write) g.write(w.path, w.content, w.mode);
  for (const [p, target] of Object.entries(plan.links)) g.link(p, target);
}

/** The list of backed-up files of a guest (what the UI shows as the diff's base). */
export async function readBackupList(root: string, plan: Pick<ConversionPlan, 'backupDir'>): Promise<string[]> {
  const text = guestRoot(root).read(path.posix.join(plan.backupDir, 'FILES')) ?? '';
  return text.split('\n').filter(Boolean);
}
