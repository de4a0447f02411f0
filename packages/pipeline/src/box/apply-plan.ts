// Executes a conversion plan (packages/guest) on a mounted guest disk:
// back up every file the plan changes, write, remove and link files, then
// run the plan's commands as one guest job (guest-job.ts): the guest's own
// binaries run in the appliance VM, never on this box, with their output
// streamed to the run log. Safe to run again: the first run's backup is kept
// (it holds the container's originals), writes replace.
import path from 'node:path';
import { AppError, type Executor } from '@vzferry/core';
import { guestRoot, type ConversionPlan } from '@vzferry/guest';
import { guestCommandError, type GuestCommand, type GuestJobResult, type GuestRunner } from './guest-job';

export interface ApplyOptions {
  log: (line: string) => void;
  /** the whole job's (default an hour: an initramfs under TCG on a loaded box takes many minutes) */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** All of a plan at once: backup_config, rewrite_config and make_bootable in a row. */
export async function applyPlan(
  x: Executor,
  guest: GuestRunner,
  root: string,
  plan: ConversionPlan,
  opts: ApplyOptions,
): Promise<void> {
  await backupPlanFiles(x, root, plan, opts.log);
  await rewritePlanFiles(root, plan);
  await makeBootable(guest, root, plan, opts);
}

/** rewrite_config: the plan's file writes, removals and links (after backupPlanFiles). */
export async function rewritePlanFiles(root: string, plan: ConversionPlan): Promise<void> {
  await changeFiles(root, plan);
}

/**
 * make_bootable: one guest job that asks whether the boot packages are there
 * and runs the plan's commands. The appliance has no network, so nothing is
 * installed here: prepare_source installs them in the running container.
 */
export async function makeBootable(
  guest: GuestRunner,
  root: string,
  plan: ConversionPlan,
  opts: ApplyOptions,
): Promise<GuestJobResult> {
  const queries = plan.packages.map((p) => packageQuery(plan, p));
  const commands = plan.commands.map((c) => ({ argv: c.argv.map((a) => a.replaceAll('{disk}', guest.disk)) }));
  plan.commands.forEach((c, i) => opts.log(`$ ${commands[i]!.argv.join(' ')}    # ${c.why}`));
  const result = await guest.run(
    { env: {}, commands: [...queries, ...commands] },
    { log: opts.log, timeoutMs: opts.timeoutMs ?? 60 * 60_000, signal: opts.signal },
  );
  const missing = plan.packages.filter((p, i) => {
    const r = result.commands[i];
    return !r || !(plan.os.packageManager === 'apt' ? r.stdoutTail.includes('install ok installed') : r.code === 0);
  });
  if (missing.length > 0)
    throw new AppError(
      'boot_packages_missing',
      `the guest lacks ${missing.join(', ')}: prepare_source installs them in the running container (start it and retry from prepare_source)`,
    );
  for (const [i, r] of result.commands.entries())
    if (r.code !== 0 && i >= queries.length) throw guestCommandError(guest.where, r);
  if (result.commands.length < queries.length + commands.length)
    throw new Error(`${guest.where} stopped after ${result.commands.length} of the job's commands without a failure`);
  opts.log(`${guest.where}: ${result.changed.length}${result.changedTruncated ? '+' : ''} files changed`);
  // whatever a package script did to it, the plan's resolv.conf goes last
  const resolv = plan.write.find((w) => w.path === '/etc/resolv.conf');
  if (resolv) guestRoot(root).write(resolv.path, resolv.content, resolv.mode);
  return result;
}

/** Whether a package is installed, asked of the guest's own package database (a "no" is not a failure). */
function packageQuery(plan: ConversionPlan, pkg: string): GuestCommand {
  return plan.os.packageManager === 'apt'
    ? { argv: ['dpkg-query', '-W', '-f=${Status}', pkg], mayFail: true }
    : { argv: ['rpm', '-q', pkg], mayFail: true };
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
