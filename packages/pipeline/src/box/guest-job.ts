// A guest job: commands that execute the guest's own binaries (package
// queries, update-initramfs, dracut, grub-install and the hooks they run),
// submitted as a whole to a GuestRunner and answered with each command's exit
// status, the tail of its output and the files the job changed. The runner
// decides where the guest code runs; it never runs on the converter box
// (docs/architecture.md, "Trust"): today the appliance VM (appliance.ts), the
// same job could run in the target VM later. The result comes from a machine
// the guest controlled, so it is parsed as hostile input (size-capped, checked).
import { ExecError } from '@vzferry/core';

export interface GuestCommand {
  argv: string[];
  /** true: a non-zero exit does not stop the job (a query that may say "no") */
  mayFail?: boolean;
}

export interface GuestJob {
  commands: GuestCommand[];
  /** the whole environment of every command (nothing of the worker's) */
  env: Record<string, string>;
}

export interface GuestCommandResult {
  argv: string[];
  code: number;
  stdoutTail: string;
  stderrTail: string;
}

export interface GuestJobResult {
  /** one per command that ran, in order; the job stops after the first failure not marked mayFail */
  commands: GuestCommandResult[];
  /** guest paths of the files the job changed (by mtime), sorted */
  changed: string[];
  /** the list of changed files was capped */
  changedTruncated: boolean;
}

export interface GuestRunOptions {
  /** each line of the commands' output as it comes */
  log: (line: string) => void;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface GuestRunner {
  /** the whole work disk's device as the guest code sees it ({disk} in a plan's argv) */
  readonly disk: string;
  /** where the commands run, for messages ("the appliance VM") */
  readonly where: string;
  run(job: GuestJob, opts: GuestRunOptions): Promise<GuestJobResult>;
}

/** The job's environment: a plain PATH, no prompts, C locale. */
export const GUEST_ENV: Record<string, string> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  DEBIAN_FRONTEND: 'noninteractive',
  LC_ALL: 'C',
  LANG: 'C',
};

/** A command of the job that failed, as an ExecError that names where it ran. */
export function guestCommandError(where: string, r: GuestCommandResult): ExecError {
  return new ExecError({
    argv: r.argv,
    where,
    code: r.code,
    stdout: r.stdoutTail,
    stderr: r.stderrTail,
    timedOut: false,
  });
}
