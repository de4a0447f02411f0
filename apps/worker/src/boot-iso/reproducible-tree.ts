// Same inputs, same bytes: the trees packed into the initramfs and the ISO
// get one fixed mtime and are listed in byte order, so neither the build's
// clock nor the file system's directory order shows in the image.
import { lstat, lutimes, readdir } from 'node:fs/promises';
import path from 'node:path';

/** every path under `root`, relative, directories before their contents, in byte order */
export async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    for (const name of (await readdir(path.join(root, rel))).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      out.push(child);
      if ((await lstat(path.join(root, child))).isDirectory()) await walk(child);
    }
  };
  await walk('');
  return out;
}

/** sets every mtime under `root` (and of `root`) to `epoch` seconds; symlinks themselves, not their targets */
export async function fixMtimes(root: string, epoch: number): Promise<void> {
  for (const rel of [...(await listTree(root)), '']) {
    await lutimes(path.join(root, rel), epoch, epoch);
  }
}
