import os from 'node:os';
import path from 'node:path';

/**
 * Downloads and builds that outlive `npm run lab -- --reset` and fresh clones
 * on the same machine (the Debian root file system tarball, apt archives).
 */
export function cacheDir(env: Record<string, string | undefined> = process.env): string {
  if (env.VZFERRY_CACHE_DIR) return path.resolve(env.VZFERRY_CACHE_DIR);
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'vzferry');
}
