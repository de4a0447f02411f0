// A fingerprint of what make_bootable's job is made from (BOOT_INPUTS): the
// worker runs the job (initramfs, grub, units) on the live copy before the
// downtime, and make_bootable runs it again only if the fingerprint changed
// after the final sync. Files keep their mtime through rsync -a, so size and mtime
// stand for content, except for the files the plan writes: rewrite_config
// writes them again (new mtime, same bytes), so their bytes count.
import { createHash } from 'node:crypto';
import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { guestRoot, BOOT_INPUTS, type ConversionPlan, type GuestRoot } from '@vzferry/guest';

export async function bootInputsFingerprint(root: string, plan: Pick<ConversionPlan, 'write'>): Promise<string> {
  const written = new Set(plan.write.map((w) => path.posix.normalize(w.path)));
  const hash = createHash('sha256');
  const g = guestRoot(root);
  for (const input of BOOT_INPUTS) {
    // merged /usr: /lib is a link to usr/lib, whose own entry counts it
    if (behindLink(g, input)) continue;
    await walk(g, input, written, hash);
  }
  return hash.digest('hex');
}

async function walk(
  g: GuestRoot,
  guestPath: string,
  written: Set<string>,
  hash: ReturnType<typeof createHash>,
): Promise<void> {
  const { host: file, stat: st } = g.resolve(guestPath, { final: false });
  if (!st) return;
  hash.update(`${guestPath}\0${st.mode}\0`);
  if (st.isDirectory()) {
    for (const name of (await readdir(file)).sort()) await walk(g, path.posix.join(guestPath, name), written, hash);
  } else if (st.isSymbolicLink()) {
    hash.update(await readlink(file));
  } else if (written.has(guestPath) && st.isFile()) {
    hash.update(await readFile(file));
  } else {
    hash.update(`${st.size}\0${st.mtimeMs}`);
  }
  hash.update('\n');
}

/** Whether a directory on the way to guestPath is a symlink (its target is not this path's to follow) or no directory. */
function behindLink(g: GuestRoot, guestPath: string): boolean {
  const parts = guestPath.split('/').filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const { stat } = g.resolve(`/${parts.slice(0, i).join('/')}`, { final: false });
    if (stat?.isSymbolicLink() || (stat && !stat.isDirectory())) return true;
  }
  return false;
}
