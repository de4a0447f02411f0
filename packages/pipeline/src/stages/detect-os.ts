// Stage 8: the guest's family and version, from its own release files on the
// work disk (the OS template name only guessed it).
import { AppError } from '@vzferry/core';
import { detectOs as detectGuestOs, GuestOsError, treeFiles } from '@vzferry/guest';
import { succeeded, type StageContext, type StageReturn } from '../stage-contract';
import type { StageDeps } from '../stage-deps';
import { ensureMounted, workPaths } from '../work-disk';

export async function detectOs(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const paths = workPaths(ctx.run.box.workDir, ctx.run.runId);
  await ensureMounted(deps.local, paths);
  try {
    const os = detectGuestOs(treeFiles(paths.mount));
    return succeeded({ detectedOs: os }, { message: `${os.description} (${os.init}, grub ${os.grub}, ${os.network})` });
  } catch (err) {
    if (err instanceof GuestOsError) throw new AppError('os_unsupported', err.message);
    throw err;
  }
}
