// The SSH side in miniature for this package's tests: runs an argv the way
// sshd does (one command line through a shell), with fake vz tools first on
// the PATH. Not exported: packages/ssh has the real executor.
import { spawn } from 'node:child_process';
import { ExecError, OutputTail, shellQuote, type ExecOptions, type ExecResult, type Executor } from '@vzferry/core';

export class LocalShellExecutor implements Executor {
  readonly where = 'local-test-shell';

  constructor(
    private readonly binDir: string,
    private readonly env: Record<string, string> = {},
  ) {}

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const out = new OutputTail(opts.maxCaptureBytes);
    const err = new OutputTail(opts.maxCaptureBytes);
    const child = spawn('/bin/sh', ['-c', shellQuote(argv)], {
      env: { ...process.env, ...this.env, PATH: `${this.binDir}:${process.env.PATH}` },
    });
    child.stdout.setEncoding('utf8').on('data', (c: string) => out.push(c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => err.push(c));
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        const res = {
          code: code ?? -1,
          stdout: out.toString(),
          stderr: err.toString(),
          durationMs: Date.now() - started,
        };
        const allowed = opts.allowExitCodes ?? [0];
        if (allowed.includes(res.code)) return resolve(res);
        reject(new ExecError({ argv, where: this.where, code: res.code, stdout: res.stdout, stderr: res.stderr }));
      });
    });
  }
}
