// Stages 8 to 12, on the mounted work disk: detect the guest's OS, plan its
// conversion and back up what the plan changes, rewrite its configuration,
// make it bootable in a chroot, and turn the disk into a qcow2 image with
// its checksum. The plan is made once (backup_config) and kept on the run,
// so a retry applies the same plan even if the mappings changed meanwhile.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { detectOs, GuestOsError, planConversion, treeFiles, type ConversionPlan, type DetectedOs, type GuestNetwork } from '@vzferry/guest';
import { NicPlanError, planNics, StageError, succeeded, type RunSnapshot, type StageContext, type StageReturn } from '@vzferry/pipeline';
import { backupPlanFiles, makeBootable as runMakeBootable, rewritePlanFiles } from '../local/apply-plan';
import { convertToQcow2 } from '../local/disk';
import { fileSha256 } from '../local/file-sha256';
import { initramfsFingerprint } from '../local/initramfs-inputs';
import type { StageDeps } from './deps';
import { ensureMounted, release, workPaths, type WorkPaths } from './work-disk';

export async function detectOsStage(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const paths = workPaths(ctx.run.box.workDir, ctx.run.runId);
  await ensureMounted(deps.local, paths);
  try {
    const os = detectOs(treeFiles(paths.mount));
    return succeeded({ detectedOs: os }, { message: `${os.description} (${os.init}, grub ${os.grub}, ${os.network})` });
  } catch (err) {
    if (err instanceof GuestOsError) throw new StageError('os_unsupported', err.message);
    throw err;
  }
}

/** The guest's network after migration: one NIC per mapped network, in CloudStack's order. */
export async function guestNetwork(run: RunSnapshot, deps: StageDeps): Promise<GuestNetwork> {
  const { networks } = await deps.mappings();
  let nics;
  try {
    nics = planNics(run.container.ips, networks);
  } catch (err) {
    if (err instanceof NicPlanError) throw new StageError('network_unmapped', err.message);
    throw err;
  }
  return {
    hostname: run.container.hostname ?? `ct${run.container.sourceCtid}`,
    nameservers: run.container.nameservers,
    searchDomains: run.container.searchDomains,
    nics: nics.map((n) => ({
      device: n.device,
      ipv4: [...(n.primary.address.includes(':') ? [] : [n.primary]), ...n.extra.filter((e) => e.family === 4)],
      ipv6: [...(n.primary.address.includes(':') ? [n.primary] : []), ...n.ipv6, ...n.extra.filter((e) => e.family === 6)],
      gateway: n.network.gateway,
    })),
  };
}

function storedPlan(run: RunSnapshot): ConversionPlan {
  const plan = run.state.conversionPlan as ConversionPlan | null;
  if (!plan?.os) throw new StageError('no_plan', 'the run has no conversion plan; retry from backup_config');
  return plan;
}

/** The conversion plan of the guest on the work disk (the same inputs before and during the downtime). */
async function planFor(ctx: StageContext, deps: StageDeps, mount: string, os?: DetectedOs): Promise<ConversionPlan> {
  return planConversion({ files: treeFiles(mount), os, network: await guestNetwork(ctx.run, deps), rootUuid: ctx.run.runId });
}

export async function backupConfig(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const paths = workPaths(ctx.run.box.workDir, ctx.run.runId);
  await ensureMounted(deps.local, paths);
  const plan = await planFor(ctx, deps, paths.mount, (ctx.run.state.detectedOs as DetectedOs | null) ?? undefined);
  await backupPlanFiles(deps.local, paths.mount, plan, (l) => ctx.log('info', l));
  return succeeded({ conversionPlan: plan }, { message: `${plan.backup.length} files backed up to ${plan.backupDir}; plan: ${plan.write.length} writes, ${plan.remove.length} removals, ${plan.commands.length} commands`, result: { backup: plan.backup } });
}

export async function rewriteConfig(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const paths = workPaths(ctx.run.box.workDir, ctx.run.runId);
  await ensureMounted(deps.local, paths);
  const plan = storedPlan(ctx.run);
  await rewritePlanFiles(paths.mount, plan);
  return succeeded(undefined, { message: `wrote ${plan.write.map((w) => w.path).join(', ')}`, result: { written: plan.write.map((w) => w.path), removed: plan.remove } });
}

export async function makeBootable(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const paths = workPaths(ctx.run.box.workDir, ctx.run.runId);
  const disk = await ensureMounted(deps.local, paths);
  const plan = storedPlan(ctx.run);
  if (plan.legacyBootIso) return prepareBootIsoCallback(ctx, deps, paths.mount, plan);
  // the initramfs built before the downtime stands if nothing it is built from changed since
  const prebuilt = ctx.run.state.initramfsInputs;
  const keep = prebuilt !== null && (await initramfsFingerprint(paths.mount, plan)) === prebuilt;
  if (prebuilt && !keep) ctx.log('info', 'the initramfs inputs changed in the final sync: building it again');
  await runMakeBootable(deps.local, paths.mount, keep ? { ...plan, commands: plan.commands.filter((c) => !c.initramfs) } : plan, applyOptions(ctx, disk.device));
  const initramfs = keep ? 'initramfs with virtio built before the downtime (its inputs did not change)' : 'initramfs with virtio';
  return succeeded(undefined, { message: `kernel, ${initramfs} and grub in place (${plan.kernelCmdline})` });
}

function applyOptions(ctx: StageContext, disk: string) {
  return { disk, log: (l: string) => ctx.output('stdout', `${l}\n`), aptCacheDir: path.join(ctx.run.box.workDir, 'apt-archives') };
}

/**
 * The slow part of make_bootable (the initramfs: a minute and more) on the
 * copy the initial sync made, while the container still runs: the plan's
 * files are written and its initramfs commands run, as make_bootable would.
 * The final sync then restores the container's own files except the
 * initramfs (INITRAMFS_OUTPUTS), and make_bootable builds it again only if
 * its inputs changed. Returns the inputs' fingerprint, or null when there is
 * nothing to build early (grub-legacy guests) or it failed: then
 * make_bootable does all of it in the downtime, as before.
 */
export async function prebuildInitramfs(ctx: StageContext, deps: StageDeps, paths: WorkPaths): Promise<string | null> {
  try {
    const disk = await ensureMounted(deps.local, paths);
    const plan = await planFor(ctx, deps, paths.mount);
    if (plan.legacyBootIso || !plan.commands.some((c) => c.initramfs)) return null;
    ctx.log('info', `building the initramfs on the live copy (${plan.os.description}), before the downtime`);
    await rewritePlanFiles(paths.mount, plan);
    await runMakeBootable(deps.local, paths.mount, { ...plan, commands: plan.commands.filter((c) => c.initramfs) }, applyOptions(ctx, disk.device));
    return await initramfsFingerprint(paths.mount, plan);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    ctx.log('warn', `the initramfs could not be built before the downtime (${(err as Error).message}); make_bootable builds it in the downtime`);
    return null;
  }
}

/**
 * grub 0.97 cannot be installed from here: the boot ISO runs the plan's job
 * on the VM (deploy_vm). It finds where to call back, with a one-time token,
 * in the guest; the run keeps only the token's hash.
 */
async function prepareBootIsoCallback(ctx: StageContext, deps: StageDeps, mount: string, plan: ConversionPlan): Promise<StageReturn> {
  const iso = plan.legacyBootIso!;
  const base = ctx.run.box.templateServerUrl;
  if (!base) throw new StageError('no_template_server', `converter box ${ctx.run.box.name} has no template server URL for the boot ISO to call back to`);
  const token = randomBytes(32).toString('hex');
  // a new token means a new boot of the ISO: an earlier call back (before a rollback) no longer counts
  await deps.bootCallbacks.clear(ctx.run.runId);
  const file = path.join(mount, iso.callbackFile);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `url=${base}/boot-callback/${ctx.run.runId}\ntoken=${token}\n`, { mode: 0o600 });
  return succeeded(
    { bootTokenSha256: createHash('sha256').update(token).digest('hex') },
    { message: `${plan.os.description} uses grub 0.97: the boot ISO runs ${iso.job} on the VM in deploy_vm and calls back to ${base}` },
  );
}

export async function convertImage(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const paths = workPaths(ctx.run.box.workDir, ctx.run.runId);
  if (ctx.run.state.imageSha256 && existsSync(paths.qcow2)) return succeeded(undefined, { message: 'the image was already made' });
  // fstrim on unmount: qemu-img skips what the file system gave back
  if (existsSync(paths.image)) await release(deps.local, paths);
  ctx.command(['qemu-img', 'convert', '-O', 'qcow2', paths.image, paths.qcow2], 'local');
  await convertToQcow2(deps.local, paths.image, paths.qcow2);
  const sha256 = await fileSha256(paths.qcow2);
  const bytes = BigInt(statSync(paths.qcow2).size);
  return succeeded({ imagePath: paths.qcow2, imageSha256: sha256, imageBytes: bytes }, { message: `qcow2 of ${bytes / 1024n / 1024n} MiB, sha256 ${sha256.slice(0, 16)}…` });
}
