// One executor interface for local commands (the converter box) and remote
// ones (a source hypervisor over SSH): argv in, a result or an ExecError out.
// Implementations: packages/local (child_process) and packages/ssh (ssh2).

export interface ExecOptions {
  /** kill the command after this long; the ExecError says timedOut */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** streamed output, as it arrives (for progress parsing and the run log) */
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  stdin?: string | Buffer;
  /** exit codes that are not an error (default: only 0) */
  allowExitCodes?: readonly number[];
  cwd?: string;
  env?: Record<string, string>;
  /** bytes of each stream kept in the result; older output is dropped with a marker */
  maxCaptureBytes?: number;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface Executor {
  /** where commands run, for messages: "local", "root@hv1:22" */
  readonly where: string;
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
}

export class ExecError extends Error {
  readonly argv: readonly string[];
  readonly where: string;
  /** exit code, or null when killed (timeout, abort, signal) */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;

  constructor(init: {
    argv: readonly string[];
    where: string;
    code: number | null;
    stdout: string;
    stderr: string;
    timedOut?: boolean;
    reason?: string;
    /** why it did not finish when that was not the command (a lost connection, with its errno) */
    cause?: unknown;
  }) {
    const what = init.reason ?? (init.timedOut ? 'timed out' : `exited with ${init.code}`);
    const tail = lastLine(init.stderr) || lastLine(init.stdout);
    super(
      `${init.argv[0] ?? 'command'} on ${init.where} ${what}${tail ? `: ${tail}` : ''}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.name = 'ExecError';
    this.argv = init.argv;
    this.where = init.where;
    this.code = init.code;
    this.stdout = init.stdout;
    this.stderr = init.stderr;
    this.timedOut = init.timedOut ?? false;
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines[lines.length - 1] ?? '').slice(0, 300);
}

export const TRUNCATION_MARKER = (dropped: number) => `[... ${dropped} bytes of earlier output not kept ...]\n`;

/**
 * Keeps the last `limit` bytes of a stream (the end of a command's output is
 * what explains a failure), with a marker saying how much was dropped.
 */
export class OutputTail {
  #chunks: string[] = [];
  #size = 0;
  #dropped = 0;

  constructor(private readonly limit: number = 1024 * 1024) {}

  push(chunk: string): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > this.limit) {
      const first = this.#chunks[0]!;
      const excess = this.#size - this.limit;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#size -= first.length;
        this.#dropped += first.length;
      } else {
        this.#chunks[0] = first.slice(excess);
        this.#size -= excess;
        this.#dropped += excess;
      }
    }
  }

  toString(): string {
    const body = this.#chunks.join('');
    return this.#dropped ? TRUNCATION_MARKER(this.#dropped) + body : body;
  }
}
