// The environment of every command the worker starts: named variables of the
// worker's own environment, never the rest. The worker's environment holds
// DATABASE_URL, VZFERRY_SECRET_KEY and maybe an SSH agent socket; a child
// that inherits them (a guest's maintainer script in the chroot, rsync's
// ssh, a tool that logs its environment) hands them out. Pure: the caller
// passes its process.env.

/**
 * What the tools the box runs (mount, losetup, mkfs, rsync, OpenSSH,
 * qemu-img, apt and friends) need: where programs are, the locale of their
 * messages, a home and a temporary directory, the time zone. Proxy settings
 * are left out on purpose (they may carry credentials): apt reads its proxy
 * from /etc/apt/apt.conf.d.
 */
export const CHILD_ENV_NAMES = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'TMPDIR', 'TZ'] as const;

/** PATH when the parent has none: the usual directories of a Debian root. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The child's whole environment: the allowed names from the parent, then
 * what the call sets itself (`extra` wins; it is code's own choice, never
 * the parent's environment).
 */
export function childEnv(
  parent: Readonly<Record<string, string | undefined>>,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = { PATH: DEFAULT_PATH };
  for (const name of CHILD_ENV_NAMES) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}
