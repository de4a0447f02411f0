// Stages 8 to 12, on the mounted work disk: detect the guest's OS, plan its
// conversion and back up what the plan changes, rewrite its configuration,
// make it bootable in a chroot, and turn the disk into a qcow2 image with
// its checksum. The plan is made once (backup_config) and kept on the run,
// so a retry applies the same plan even if the mappings changed meanwhile.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { detectOs, GuestOsError, planConversion, treeFiles, type ConversionPlan, type DetectedOs, type GuestNetwork } from '@vzferry/guest';
import { NicPlanError, planNics, StageError, succeeded, type RunSnapshot, type StageContext, type StageReturn } from '@vzferry/pipeline';
import { backupPlanFiles, makeBootable as runMakeBootable, rewritePlanFiles } from '../local/apply-plan';
import { convertToQcow2 } from '../local/disk';
import type { StageDeps } from './deps';
import { ensureMounted, release, workPaths } from './work-disk';

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

export async function backupConfig(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const paths = workPaths(ctx.run.box.workDir, ctx.run.runId);
  await ensureMounted(deps.local, paths);
  const plan = planConversion({
    files: treeFiles(paths.mount),
    os: (ctx.run.state.detectedOs as DetectedOs | null) ?? undefined,
    network: await guestNetwork(ctx.run, deps),
    rootUuid: ctx.run.runId,
  });
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
  if (plan.legacyBootIso) {
    return succeeded(undefined, { message: `${plan.os.description} uses grub 0.97: the boot ISO makes it bootable after deploy_vm` });
  }
  await runMakeBootable(deps.local, paths.mount, plan, {
    disk: disk.device,
    log: (l) => ctx.output('stdout', `${l}\n`),
    aptCacheDir: path.join(ctx.run.box.workDir, 'apt-archives'),
  });
  return succeeded(undefined, { message: `kernel, initramfs with virtio and grub in place (${plan.kernelCmdline})` });
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

function fileSha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })
      .on('data', (c) => hash.update(c))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}
