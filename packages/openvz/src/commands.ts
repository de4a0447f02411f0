// argv of the vzlist/vzctl commands we run on a hypervisor. Every CTID is
// validated (toCtid) and a command line run inside a container is built
// from an argv with shellQuote, so no data becomes shell syntax on either
// side. The executor quotes the outer argv once more for the SSH shell.
import { shellQuote } from '@vzferry/core';
import { toCtid } from './ctid';
import type { VzlistTextField } from './vzlist-text';

export const VZ_CONF_DIR = '/etc/vz/conf';

/**
 * Where the configs are, as the REMOTE shell sees it: /etc/vz/conf unless the
 * session's environment sets VZFERRY_VZ_CONF_DIR. Real hypervisors never set
 * it; the lab runs several simulated hypervisors on one machine and gives
 * each its own directory with sshd's SetEnv.
 */
export const VZ_CONF_DIR_ENV = 'VZFERRY_VZ_CONF_DIR';
export const REMOTE_CONF_DIR = `"\${${VZ_CONF_DIR_ENV}:-${VZ_CONF_DIR}}"`;

export function vzlistJsonArgv(): string[] {
  return ['vzlist', '-a', '-j'];
}

export function vzlistTextArgv(fields: readonly VzlistTextField[]): string[] {
  if (fields.length === 0) throw new Error('vzlist needs at least one field');
  return ['vzlist', '-a', '-H', '-o', fields.join(',')];
}

export type VzctlAction = 'status' | 'start' | 'stop' | 'mount' | 'umount';

export function vzctlArgv(action: VzctlAction, ctid: unknown): string[] {
  return ['vzctl', action, String(toCtid(ctid))];
}

/**
 * `vzctl exec <CTID> <line>`: vzctl joins its arguments with spaces and runs
 * them with `bash -c` inside the container (src/vzctl-actions.c exec), so
 * the line is built from an argv with shellQuote and passed as ONE argument.
 */
export function vzctlExecArgv(ctid: unknown, command: readonly string[]): string[] {
  return ['vzctl', 'exec', String(toCtid(ctid)), shellQuote(command)];
}

/** `vzctl exec2` returns the command's own exit code instead of 8. */
export function vzctlExec2Argv(ctid: unknown, command: readonly string[]): string[] {
  return ['vzctl', 'exec2', String(toCtid(ctid)), shellQuote(command)];
}

export function vzctlSetOnbootArgv(ctid: unknown, onboot: boolean): string[] {
  return ['vzctl', 'set', String(toCtid(ctid)), '--onboot', onboot ? 'yes' : 'no', '--save'];
}

export function configPath(ctid: unknown, confDir: string = VZ_CONF_DIR): string {
  return `${confDir}/${toCtid(ctid)}.conf`;
}

/** `cat` of one config; without confDir, the directory is resolved on the remote side */
export function readConfigArgv(ctid: unknown, confDir?: string): string[] {
  if (confDir !== undefined) return ['cat', configPath(ctid, confDir)];
  return ['sh', '-c', `exec cat -- ${REMOTE_CONF_DIR}/"$1".conf`, 'sh', String(toCtid(ctid))];
}
