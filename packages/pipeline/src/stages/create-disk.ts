// Stage 3: a blank raw disk of the container's quota on the converter box,
// one partition, ext4 (UUID = run id, an inode for every file of the
// container), mounted. A disk that is already
// mounted is done; a half-made one (file without a file system, or a stale
// attach) is thrown away and made again.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { AppError } from '@vzferry/core';
import { type StageContext, type StageReturn, succeeded } from '../stage-contract';
import { attachDisk, createDiskImage, mountDisk, workDirectory } from '../box/disk';
import type { StageDeps } from '../stage-deps';
import { inodesFor, inodeTableBytes, isMounted, makeWorkFilesystem, release, workPaths } from '../work-disk';

const MiB = 1024n * 1024n;

/** the quota plus room for the partition table and ext4's own metadata (5 %) */
export function diskBytes(quotaKb: bigint): bigint {
  const bytes = quotaKb * 1024n;
  return ((bytes + bytes / 20n + 64n * MiB) / MiB) * MiB;
}

export async function createDisk(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const quota = ctx.run.container.diskQuotaKb;
  if (!quota)
    throw new AppError(
      'no_quota',
      `container ${ctx.run.container.sourceCtid} has no disk quota in the inventory; import it again`,
    );
  const paths = workPaths(ctx.run.box.workDir, ctx.run.runId);
  if (await isMounted(deps.local, paths.mount)) {
    return succeeded(
      { workDir: paths.dir, diskImagePath: paths.image },
      { message: 'the work disk was already made and mounted' },
    );
  }
  await release(deps.local, paths);
  await rm(paths.image, { force: true });
  await workDirectory(paths.dir);
  const inodes = inodesFor(ctx.run.container.inodesUsed, diskBytes(quota));
  const bytes = diskBytes(quota) + inodeTableBytes(inodes, diskBytes(quota));
  ctx.command(['sfdisk', paths.image], 'local');
  await createDiskImage(deps.local, paths.image, Number(bytes));
  const disk = await attachDisk(deps.local, paths.image);
  ctx.command(
    ['mkfs.ext4', '-U', ctx.run.runId, ...(inodes ? ['-N', inodes.toString()] : []), disk.partition],
    'local',
  );
  await makeWorkFilesystem(deps.local, disk.partition, ctx.run.runId, inodes);
  await mountDisk(deps.local, disk, paths.mount);
  return succeeded(
    { workDir: paths.dir, diskImagePath: paths.image },
    {
      message: `${bytes / MiB} MiB raw disk (sparse)${inodes ? ` with ${inodes} inodes` : ''} mounted at ${paths.mount}`,
      result: { bytes: bytes.toString(), ...(inodes && { inodes: inodes.toString() }) },
    },
  );
}

/**
 * A sync whose work disk was discarded after lost writes (a full box,
 * rsync-pass.ts) makes it again, blank: the copy starts over. Returns whether
 * it did.
 */
export async function remakeDiscardedDisk(ctx: StageContext, deps: StageDeps): Promise<boolean> {
  if (existsSync(workPaths(ctx.run.box.workDir, ctx.run.runId).image)) return false;
  ctx.log('info', 'the work disk is missing (discarded after lost writes): making it again, the copy starts over');
  await createDisk(ctx, deps);
  return true;
}
