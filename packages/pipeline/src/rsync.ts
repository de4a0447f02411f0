// rsync as the sync stages use it: argv building and parsers for rsync's own
// progress (--info=progress2) and statistics (--info=stats2) output.
import { formatBytes } from '@vzferry/core';

export interface RsyncSource {
  /** rsync's -e value: OpenSSH with the pinned known_hosts and key (packages/ssh rsyncRemoteShell) */
  remoteShell: string;
  user: string;
  host: string;
  /** the container's root as the hypervisor sees it, e.g. /vz/root/101 */
  path: string;
}

export interface RsyncOptions {
  source: RsyncSource;
  /** local mount point of the work disk */
  dest: string;
  /** final sync: make the copy exact (remove what the source removed) */
  delete: boolean;
  bandwidthLimitKbps?: number | null;
  excludes?: readonly string[];
  /**
   * Files on the work disk that the sync must leave alone: not sent, not
   * overwritten, not deleted (the initramfs built before the downtime).
   */
  protect?: readonly string[];
}

// Virtual file systems of a running container; the VM gets its own.
export const LIVE_EXCLUDES = ['/proc/*', '/sys/*', '/dev/*', '/run/*'] as const;

export function rsyncArgv(o: RsyncOptions): string[] {
  const argv = [
    'rsync',
    '-aHAXS', // hard links, ACLs, xattrs, sparse files (docs/platforms.md, "Files: simfs and ploop")
    '--numeric-ids',
    '--info=progress2,stats2',
    '--no-inc-recursive', // the total is known up front: a real percentage
    '--timeout=300',
    '-e',
    o.source.remoteShell,
  ];
  if (o.delete) argv.push('--delete', '--delete-excluded');
  if (o.bandwidthLimitKbps) argv.push(`--bwlimit=${o.bandwidthLimitKbps}`);
  // H hides them on the sender (the source's own copies are not sent), P
  // protects them on the receiver (even from --delete-excluded)
  for (const p of o.protect ?? []) argv.push(`--filter=H ${p}`, `--filter=P ${p}`);
  for (const e of [...LIVE_EXCLUDES, ...(o.excludes ?? [])]) argv.push(`--exclude=${e}`);
  // the remote path goes through the remote shell; --protect-args (-s)
  // sends it as data instead, so no byte of it is shell syntax there
  argv.push(
    '--protect-args',
    `${o.source.user}@${bracketIpv6(o.source.host)}:${withSlash(o.source.path)}`,
    withSlash(o.dest),
  );
  return argv;
}

function withSlash(p: string): string {
  return p.endsWith('/') ? p : `${p}/`;
}

function bracketIpv6(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export interface RsyncProgress {
  bytes: bigint;
  percent: number;
  rate: string;
  transferred: number | null;
  /** files still to check, and the total */
  toCheck: number | null;
  total: number | null;
}

const PROGRESS = /^\s*([\d,]+)\s+(\d{1,3})%\s+(\S+\/s)\s+\S+(?:\s+\(xfr#(\d+), (?:to|ir)-chk=(\d+)\/(\d+)\))?\s*$/;

/** One progress2 update (rsync separates them with \r). */
export function parseRsyncProgress(line: string): RsyncProgress | null {
  const m = PROGRESS.exec(line);
  if (!m) return null;
  const [transferred, toCheck, total] = [m[4], m[5], m[6]].map((d) => (d ? Number(d) : null));
  // what rsync cannot print (more files left than in all, counts past 2^53)
  // is not progress: the stage would show a negative or rounded file count
  if ([transferred, toCheck, total].some((n) => n !== null && !Number.isSafeInteger(n))) return null;
  if (toCheck! > total!) return null;
  return {
    bytes: BigInt(m[1]!.replaceAll(',', '')),
    percent: Number(m[2]),
    rate: m[3]!,
    transferred: transferred!,
    toCheck: toCheck!,
    total: total!,
  };
}

export interface RsyncStats {
  files: number;
  regularFilesTransferred: number;
  deletedFiles: number;
  totalFileSize: bigint;
  transferredFileSize: bigint;
}

const STAT_LINES: Record<keyof RsyncStats, RegExp> = {
  files: /^Number of files: ([\d,]+)/m,
  regularFilesTransferred: /^Number of regular files transferred: ([\d,]+)/m,
  deletedFiles: /^Number of deleted files: ([\d,]+)/m,
  totalFileSize: /^Total file size: ([\d,]+) bytes/m,
  transferredFileSize: /^Total transferred file size: ([\d,]+) bytes/m,
};

/** The --info=stats2 summary rsync prints at the end; null if it is not there. */
export function parseRsyncStats(output: string): RsyncStats | null {
  const num = (re: RegExp) => re.exec(output)?.[1]?.replaceAll(',', '');
  const files = num(STAT_LINES.files);
  const total = num(STAT_LINES.totalFileSize);
  if (files === undefined || total === undefined) return null;
  const counts = [files, num(STAT_LINES.regularFilesTransferred), num(STAT_LINES.deletedFiles)].map((d) =>
    Number(d ?? 0),
  );
  // a file count past 2^53 is not rsync's: no statistics rather than rounded ones in the run's result
  if (!counts.every(Number.isSafeInteger)) return null;
  return {
    files: counts[0]!,
    regularFilesTransferred: counts[1]!,
    deletedFiles: counts[2]!,
    totalFileSize: BigInt(total),
    transferredFileSize: BigInt(num(STAT_LINES.transferredFileSize) ?? 0),
  };
}

/** initial_sync's, await_cutover's catch-up syncs', final_sync's */
export type SyncPass = 'initial' | 'catch_up' | 'final';

/** A sync's result in words: "initial sync copied 65.9 MiB of 65.9 MiB (105 files)". */
export function describeSync(pass: SyncPass, stats: RsyncStats | null, vanished: boolean): string {
  const name = pass === 'catch_up' ? 'catch-up' : pass;
  const what = stats
    ? `${name} sync copied ${formatBytes(stats.transferredFileSize)} of ${formatBytes(stats.totalFileSize)} (${stats.files} files${pass === 'final' ? `, ${stats.deletedFiles} deleted` : ''})`
    : `${name} sync done`;
  return vanished ? `${what}; some files vanished while copying` : what;
}

/**
 * rsync's exit codes (rsync(1), EXIT VALUES). 24 ("some files vanished
 * before they could be transferred") is normal while the container runs.
 */
export function judgeRsyncExit(code: number): { ok: boolean; retryable: boolean; meaning: string } {
  const meanings: Record<number, [boolean, boolean, string]> = {
    0: [true, false, 'success'],
    24: [true, false, 'some source files vanished while copying (normal for a running container)'],
    10: [false, true, 'error in socket I/O'],
    11: [false, false, 'error in file I/O (is the work disk full?)'],
    12: [false, true, 'error in the rsync protocol data stream (connection dropped?)'],
    23: [false, false, 'partial transfer due to error'],
    30: [false, true, 'timeout in data send/receive'],
    35: [false, true, 'timeout waiting for daemon connection'],
    255: [false, true, 'ssh failed (connection or authentication)'],
  };
  const [ok, retryable, meaning] = meanings[code] ?? [false, false, `rsync exited with ${code}`];
  return { ok, retryable, meaning };
}
