// Local commands on the converter box: argv straight to the program (no
// shell), an explicit environment (childEnv: never the worker's secrets),
// streamed output, a time-out or an abort that kills the whole process
// group, the last output kept for the error.
import { spawn } from 'node:child_process';
import { childEnv, ExecError, OutputTail, type ExecOptions, type ExecResult, type Executor } from '@vzferry/core';

export class LocalExecutor implements Executor {
  readonly where = 'local';

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const out = new OutputTail(opts.maxCaptureBytes);
    const err = new OutputTail(opts.maxCaptureBytes);
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: childEnv(process.env, opts.env),
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true, // own process group: a time-out kills its children too
    });
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out.push(c);
      opts.onStdout?.(c);
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      err.push(c);
      opts.onStderr?.(c);
    });
    let timedOut = false;
    let aborted = false;
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = opts.timeoutMs ? setTimeout(() => ((timedOut = true), kill()), opts.timeoutMs) : null;
    const onAbort = () => ((aborted = true), kill());
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    return new Promise((resolve, reject) => {
      child.once('error', (e) =>
        reject(
          new ExecError({
            argv,
            where: this.where,
            code: null,
            stdout: '',
            stderr: e.message,
            reason: `could not start: ${e.message}`,
          }),
        ),
      );
      child.once('close', (code) => {
        if (timer) clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        const res = {
          code: code ?? -1,
          stdout: out.toString(),
          stderr: err.toString(),
          durationMs: Date.now() - started,
        };
        if (timedOut || aborted) {
          return reject(
            new ExecError({
              argv,
              where: this.where,
              code: null,
              stdout: res.stdout,
              stderr: res.stderr,
              timedOut,
              reason: timedOut ? `timed out after ${opts.timeoutMs} ms` : 'was aborted',
            }),
          );
        }
        if ((opts.allowExitCodes ?? [0]).includes(res.code)) return resolve(res);
        reject(new ExecError({ argv, where: this.where, code: res.code, stdout: res.stdout, stderr: res.stderr }));
      });
    });
  }
}
