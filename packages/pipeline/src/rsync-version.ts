// The source host's rsync is the sender of every sync: it reads the
// container's files on the hypervisor. rsync before 3.4.0 has a sender-side
// symlink race (CVE-2024-12747, fixed in 3.4.0, rsync's NEWS): a container
// root that swaps a file for a symlink while it is being sent can make the
// sender follow it, so a file of the hypervisor may land on the work disk.
// 3.4.0 also moved to protocol 32, and distributions that backported its
// fixes took that along (Debian 12's 3.2.7-1+deb12u6 says "protocol version
// 32"; SUSE ships rsync-protocol-version-32.patch): a sender older than
// 3.4.0 that still speaks protocol 31 or less lacks the fix. The pipeline
// cannot fix the hypervisor's rsync; it says so, in preflight and in
// initial_sync's log. The converter box's rsync is the client a hypervisor's
// rsync talks to: the same release fixed a server's path traversal into the
// client's files (CVE-2024-12087) and a --safe-links bypass (CVE-2024-12088),
// so preflight warns about the box's own rsync by the same rule.
import { z } from 'zod';
import type { Executor } from '@vzferry/core';

/** The first release with the fix of CVE-2024-12747. */
export const RSYNC_SYMLINK_RACE_FIXED = { major: 3, minor: 4, patch: 0 } as const;

export const rsyncVersionSchema = z.object({
  major: z.number().int().nonnegative(),
  minor: z.number().int().nonnegative(),
  patch: z.number().int().nonnegative(),
  /** what follows the numbers ("dev", "pre1"), usually empty */
  suffix: z.string(),
  protocol: z.number().int().positive(),
});
export type RsyncVersion = z.infer<typeof rsyncVersionSchema>;

// rsync's print_rsync_version (usage.c): "%s  version %s  protocol version %d%s",
// e.g. "rsync  version 3.2.7  protocol version 31"; a development build adds
// ".PR<n>" to the protocol, and some 3.2 builds print the version with a "v".
const FIRST_LINE =
  /^rsync {1,2}version v?(\d{1,4})\.(\d{1,4})\.(\d{1,4})(\S{0,20}) {1,2}protocol version (\d{1,4})(?:\.PR\d{1,4})?$/;

/** The version from `rsync --version`'s output; an error quoting the first line when it is not rsync's. */
export function parseRsyncVersion(output: string): RsyncVersion {
  const first = output.slice(0, 200).split('\n')[0]!.trimEnd();
  const m = FIRST_LINE.exec(first);
  if (!m) throw new Error(`not the output of rsync --version: ${JSON.stringify(first)}`);
  return rsyncVersionSchema.parse({
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    suffix: m[4],
    protocol: Number(m[5]),
  });
}

export function formatRsyncVersion(v: RsyncVersion): string {
  return `${v.major}.${v.minor}.${v.patch}${v.suffix}`;
}

/** The protocol of 3.4.0, which builds with its fixes speak. */
const FIXED_PROTOCOL = 32;

/** Older than 3.4.0 (a pre-release of 3.4.0 counts as older) and without the fix's protocol. */
export function hasSymlinkRace(v: RsyncVersion): boolean {
  if (v.protocol >= FIXED_PROTOCOL) return false;
  const f = RSYNC_SYMLINK_RACE_FIXED;
  if (v.major !== f.major) return v.major < f.major;
  if (v.minor !== f.minor) return v.minor < f.minor;
  if (v.patch !== f.patch) return v.patch < f.patch;
  return v.suffix !== '';
}

/** The sentence for a sender with the race, or null. */
export function symlinkRaceWarning(v: RsyncVersion, host: string): string | null {
  if (!hasSymlinkRace(v)) return null;
  return (
    `rsync ${formatRsyncVersion(v)} on ${host} is older than 3.4.0 and speaks protocol ${v.protocol}: ` +
    'its sender has the symlink race of CVE-2024-12747, so a container that swaps a file for a symlink while it is copied ' +
    'may get a file of the hypervisor copied onto its disk. Update rsync on the hypervisor'
  );
}

/** The sentence for a converter box whose rsync lacks 3.4.0's client fixes, or null. */
export function boxRsyncWarning(v: RsyncVersion, box: string): string | null {
  if (!hasSymlinkRace(v)) return null;
  return (
    `rsync ${formatRsyncVersion(v)} on converter box ${box} is older than 3.4.0 and speaks protocol ${v.protocol}: ` +
    "a compromised hypervisor's rsync could write outside the work disk (CVE-2024-12087) or past --safe-links " +
    '(CVE-2024-12088). Update rsync on the converter box'
  );
}

/** `rsync --version` where the executor runs: the source host itself (not in a container), or the box. */
export async function sourceRsyncVersion(host: Executor, signal?: AbortSignal): Promise<RsyncVersion> {
  const { stdout } = await host.exec(['rsync', '--version'], { signal, timeoutMs: 30_000, maxCaptureBytes: 64 * 1024 });
  return parseRsyncVersion(stdout);
}
