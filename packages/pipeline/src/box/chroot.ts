// A chroot on a mounted guest disk for rewrite_config and make_bootable:
// /dev, /dev/pts, /proc, /sys and a tmpfs /run inside; the host's
// resolv.conf in place of the guest's (apt and yum need DNS); a
// policy-rc.d that keeps package scripts from starting services. close()
// undoes every step in reverse order, also after a failure, and is safe to
// call twice.
import { existsSync } from 'node:fs';
import { copyFile, lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExecError, type ExecOptions, type ExecResult, type Executor } from '@vzferry/core';
import { guestRoot } from '@vzferry/guest';

export interface ChrootSession {
  root: string;
  /** argv run inside the guest, with a plain PATH and no prompts */
  run(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
}

const GUEST_ENV = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  DEBIAN_FRONTEND: 'noninteractive',
  LC_ALL: 'C',
  LANG: 'C',
};

export async function openChroot(
  x: Executor,
  root: string,
  opts: { aptCacheDir?: string } = {},
): Promise<ChrootSession> {
  const undo: (() => Promise<unknown>)[] = [];
  const close = async () => {
    while (undo.length > 0) {
      const step = undo.pop()!;
      await step().catch(() => undefined);
    }
  };
  try {
    const mounts: [string[], string][] = [
      [['--bind', '/dev'], 'dev'],
      [['--bind', '/dev/pts'], 'dev/pts'],
      [['-t', 'proc', 'proc'], 'proc'],
      [['-t', 'sysfs', 'sysfs'], 'sys'],
      [['-t', 'tmpfs', 'tmpfs'], 'run'],
      // downloaded packages outlive the guest: the next conversion on this box reuses them
      ...(opts.aptCacheDir ? [[['--bind', opts.aptCacheDir], 'var/cache/apt/archives'] as [string[], string]] : []),
    ];
    if (opts.aptCacheDir) await mkdir(path.join(opts.aptCacheDir, 'partial'), { recursive: true });
    // the guest's /proc or /dev may be links: each target is resolved inside the guest (a real directory there)
    const g = guestRoot(root);
    for (const [args, rel] of mounts) {
      const target = g.mountPoint(rel);
      await x.exec(['mount', ...args, target]);
      undo.push(() => x.exec(['umount', target]).catch(() => x.exec(['umount', '--lazy', target])));
    }
    await swapIn(g.entry('etc/resolv.conf'), (file) => copyFile('/etc/resolv.conf', file), undo);
    await swapIn(
      g.entry('usr/sbin/policy-rc.d'),
      (file) =>
        writeFile(file, '#!/bin/sh\n# vzferry: no service starts while the guest is converted\nexit 101\n', {
          mode: 0o755,
        }),
      undo,
    );
  } catch (err) {
    await close();
    throw err;
  }
  return {
    root,
    run: (argv, opts = {}) =>
      x.exec(['chroot', root, ...argv], { ...opts, env: { ...GUEST_ENV, ...opts.env } }).catch((err: unknown) => {
        // "dracut in the guest's chroot exited with 1", not "chroot exited with 1"
        if (!(err instanceof ExecError)) throw err;
        const reason = err.code === null && !err.timedOut ? 'was stopped' : undefined;
        throw new ExecError({
          argv,
          where: `the guest's chroot on ${err.where}`,
          code: err.code,
          stdout: err.stdout,
          stderr: err.stderr,
          timedOut: err.timedOut,
          reason,
        });
      }),
    close,
  };
}

/**
 * Puts our file at `file` (a host path whose directory was resolved inside
 * the guest) for the session, keeping the guest's own (file or symlink) to restore.
 */
async function swapIn(
  file: string,
  put: (file: string) => Promise<void>,
  undo: (() => Promise<unknown>)[],
): Promise<void> {
  const saved = `${file}.vzferry-saved`;
  const had = await lstat(file).then(
    () => true,
    () => false,
  );
  if (had) await rename(file, saved);
  undo.push(async () => {
    await rm(file, { force: true });
    if (had && existsSync(saved)) await rename(saved, file);
  });
  await put(file);
}
