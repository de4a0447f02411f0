// The run's log in PostgreSQL: events, command lines and command output.
// Writes are batched (one INSERT per flush). A command's output keeps its
// first HEAD_LINES lines live and its last TAIL_LINES lines in full; what is
// in between is replaced by one marker line, so a 2-million-line rsync log
// cannot flood the database while the end, which explains a failure, is kept.
import { commandLineForLog } from '@vzferry/core';
import { appendRunEvents, type Db, type RunEventInput } from '@vzferry/db';

const HEAD_LINES = 400;
const TAIL_LINES = 200;
const FLUSH_MS = 500;

export class RunLog {
  #pending: RunEventInput[] = [];
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #outputLines = 0;
  #tail: RunEventInput[] = [];
  #dropped = 0;
  #partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };

  constructor(
    private readonly db: Db,
    private readonly runId: string,
    private readonly stageRunId: string | null,
    private readonly onError: (err: unknown) => void = (err) => console.error('run log:', err),
  ) {}

  event(level: RunEventInput['level'], message: string, data?: Record<string, unknown>): void {
    this.#push({ level, kind: 'event', message, ...(data && { data }) });
  }

  command(argv: readonly string[], where: string): void {
    this.#endCommandOutput();
    this.#push({ kind: 'command', message: commandLineForLog(argv), data: { where } });
  }

  output(stream: 'stdout' | 'stderr', chunk: string): void {
    const text = this.#partial[stream] + chunk;
    const lines = text.split(/\r?\n|\r/);
    this.#partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.#outputLine(stream, line);
  }

  /** Writes what is buffered; call at the end of a stage. */
  async close(): Promise<void> {
    this.#endCommandOutput();
    await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const batch = this.#pending;
    this.#pending = [];
    this.#flushing = this.#flushing.then(() => appendRunEvents(this.db, batch)).catch(this.onError);
    await this.#flushing;
  }

  #outputLine(stream: 'stdout' | 'stderr', line: string): void {
    const event: RunEventInput = {
      runId: this.runId,
      stageRunId: this.stageRunId,
      kind: 'output',
      stream,
      level: stream === 'stderr' ? 'warn' : 'info',
      message: line,
      at: new Date(),
    };
    this.#outputLines++;
    if (this.#outputLines <= HEAD_LINES) {
      this.#enqueue(event);
      return;
    }
    this.#tail.push(event);
    if (this.#tail.length > TAIL_LINES) {
      this.#tail.shift();
      this.#dropped++;
    }
  }

  #endCommandOutput(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.#partial[stream]) this.#outputLine(stream, this.#partial[stream]);
      this.#partial[stream] = '';
    }
    if (this.#dropped) {
      this.#push({ kind: 'output', level: 'info', message: `[... ${this.#dropped} lines of output not kept ...]` });
    }
    for (const e of this.#tail) this.#enqueue(e);
    this.#tail = [];
    this.#dropped = 0;
    this.#outputLines = 0;
  }

  #push(e: Omit<RunEventInput, 'runId'>): void {
    this.#enqueue({ runId: this.runId, stageRunId: this.stageRunId, at: new Date(), ...e });
  }

  #enqueue(e: RunEventInput): void {
    this.#pending.push(e);
    if (this.#pending.length >= 500) void this.flush();
    else if (!this.#timer) this.#timer = setTimeout(() => void this.flush(), FLUSH_MS);
  }
}
