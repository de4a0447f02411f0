// The remote command line of an Executor call. sshd runs it with the login
// user's shell (`$SHELL -c <line>`), so it is built with shellQuote only.
// env and cwd become argv too (`env K=V ...`, `cd <dir> && exec ...`): sshd
// accepts environment requests only for AcceptEnv names, and `exec` keeps
// the command the shell's own process, so a signal reaches it.
//
// Every line starts by printing the shell's PID on stderr (PID_MARKER). sshd
// makes the session's shell a session and process group leader (session.c
// do_exec_no_pty: setsid), so `kill -- -<pid>` on another channel stops the
// command and everything it started. SSH "signal" requests cannot do it: sshd
// refuses them for root logins ("session signalling requires privilege
// separation"), and root is who runs vzctl.
import { shellQuote, shellQuoteWord } from '@vzferry/core';

/** first bytes of the PID line on stderr (\036 is the ASCII record separator) */
export const PID_MARKER = '\u001evzferry-pid ';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function remoteCommandLine(
  argv: readonly string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): string {
  const env = Object.entries(opts.env ?? {});
  for (const [name] of env) {
    if (!ENV_NAME.test(name)) throw new Error(`"${name}" is not an environment variable name`);
  }
  const full = env.length > 0 ? ['env', ...env.map(([k, v]) => `${k}=${v}`), ...argv] : argv;
  const announce = `printf '\\036vzferry-pid %s\\n' "$$" >&2; `;
  const line = `exec ${shellQuote(full)}`;
  return announce + (opts.cwd === undefined ? line : `cd -- ${shellQuoteWord(opts.cwd)} && ${line}`);
}

/** `kill -s <sig> -- -<pid>`: the whole process group of a session */
export function killGroupLine(pid: number, signal: 'TERM' | 'KILL'): string {
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`refusing to signal process group ${pid}`);
  return shellQuote(['kill', '-s', signal, '--', `-${pid}`]);
}
