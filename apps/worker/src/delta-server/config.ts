// What the delta server writes for rsync: rsyncd.conf (global settings and
// one module per served run) and the secrets file. Everything that reaches
// these files is checked here first: rsyncd.conf is line-based, a newline in
// a run id or a path would add settings of the caller's choosing, a trailing
// backslash continues a line, and rsync expands %VAR% in values.

export interface StatePaths {
  config: string;
  secrets: string;
  pid: string;
  log: string;
  lock: string;
}

export interface Module {
  runId: string;
  root: string;
  password: string;
}

/** Lowercase canonical UUIDs, as PostgreSQL prints run ids. */
const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PASSWORD = /^[0-9a-f]{64}$/;
// a guest VM's pull plus a few retries while an earlier, dead connection waits out its timeout
const MAX_CONNECTIONS = 4;
const TIMEOUT_SECONDS = 600;

export function checkRunId(runId: string): string {
  if (typeof runId !== 'string' || !RUN_ID.test(runId))
    throw new Error(`a delta server run id must be a lowercase UUID, got ${JSON.stringify(runId)}`);
  return runId;
}

/** An absolute path that can stand as an rsyncd.conf value, unchanged. */
export function checkConfigPath(what: string, p: string): string {
  if (typeof p !== 'string' || !p.startsWith('/'))
    throw new Error(`${what} must be an absolute path, got ${JSON.stringify(p)}`);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f\\%]/.test(p) || p.trim() !== p)
    throw new Error(
      `${what} cannot be written into rsyncd.conf (a control character, backslash, % or outer space): ${JSON.stringify(p)}`,
    );
  return p;
}

export function checkPassword(password: string): string {
  // deltaPassword's form; also keeps ':' and newlines out of the secrets file
  if (typeof password !== 'string' || !PASSWORD.test(password))
    throw new Error('a delta server password is 64 hex characters (deltaPassword)');
  return password;
}

export const moduleName = (runId: string): string => `run-${checkRunId(runId)}`;

export function renderConfig(paths: StatePaths, modules: readonly Module[]): string {
  const lines = [
    '# written by the vzferry worker (delta server); rewritten on every serve and withdraw',
    'use chroot = yes',
    'read only = yes',
    'list = no',
    'numeric ids = yes',
    // the copy holds files of every uid: read them as root, inside the module's chroot
    'uid = 0',
    'gid = 0',
    'reverse lookup = no',
    `pid file = ${paths.pid}`,
    `log file = ${paths.log}`,
    `lock file = ${paths.lock}`,
    `timeout = ${TIMEOUT_SECONDS}`,
    `max connections = ${MAX_CONNECTIONS}`,
  ];
  for (const m of modules) {
    const name = moduleName(m.runId);
    lines.push(
      '',
      `[${name}]`,
      `path = ${checkConfigPath('the root of a served copy', m.root)}`,
      `auth users = ${name}:ro`,
      `secrets file = ${paths.secrets}`,
      'strict modes = yes',
      'write only = no',
    );
  }
  return `${lines.join('\n')}\n`;
}

export function renderSecrets(modules: readonly Module[]): string {
  return modules.map((m) => `${moduleName(m.runId)}:${checkPassword(m.password)}\n`).join('');
}
