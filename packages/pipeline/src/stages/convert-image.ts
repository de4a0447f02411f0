// Stage 12: the work disk, unmounted (fstrim first, so qemu-img skips what
// the file system gave back), becomes a qcow2 image with its sha256.
import { existsSync, statSync } from 'node:fs';
import { errorMessage } from '@vzferry/core';
import { convertToQcow2 } from '../box/disk';
import { fileSha256 } from '../box/file-sha256';
import { succeeded, type StageContext, type StageReturn } from '../stage-contract';
import type { StageDeps } from '../stage-deps';
import { boxDiskFull, release, workPaths } from '../work-disk';

export async function convertImage(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const paths = workPaths(ctx.run.box.workDir, ctx.run.runId);
  if (ctx.run.state.imageSha256 && existsSync(paths.qcow2))
    return succeeded(undefined, { message: 'the image was already made' });
  try {
    // fstrim on unmount: qemu-img skips what the file system gave back
    if (existsSync(paths.image)) await release(deps.local, paths);
    ctx.command(['qemu-img', 'convert', '-O', 'qcow2', paths.image, paths.qcow2], 'local');
    await convertToQcow2(deps.local, paths.image, paths.qcow2);
  } catch (err) {
    // the image lands beside the disk: a full box fails here with the box named, not qemu-img's words alone
    throw (await boxDiskFull(ctx, deps, `the image could not be written (${errorMessage(err)})`)) ?? err;
  }
  const sha256 = await fileSha256(paths.qcow2);
  const bytes = BigInt(statSync(paths.qcow2).size);
  return succeeded(
    { imagePath: paths.qcow2, imageSha256: sha256, imageBytes: bytes },
    { message: `qcow2 of ${bytes / 1024n / 1024n} MiB, sha256 ${sha256.slice(0, 16)}…` },
  );
}
