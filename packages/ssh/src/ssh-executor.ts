// The Executor for source hypervisors: one ssh2 connection per host, reused
// for many commands (with keep-alive, and a new connection when it drops),
// the host key pinned, commands built with shellQuote, output streamed and
// kept bounded, time-outs and aborts that stop the remote process.
import { Client, type ClientChannel } from 'ssh2';
import {
  AppError,
  ExecError,
  OutputTail,
  RETRY_POLICIES,
  retryDelayMs,
  sleep,
  triesLeft,
  type ExecOptions,
  type ExecResult,
  type Executor,
} from '@vzferry/core';
import { ChannelSlots } from './channel-slots';
import { killGroupLine, PID_MARKER, remoteCommandLine } from './command-line';
import { fingerprintOf, isFingerprint, serverHostKeyAlgorithmsFor, SshHostKeyMismatch } from './host-key';

/** The server refused a channel for a command that therefore never started. */
class ChannelRefused extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

export interface SshConnectOptions {
  host: string;
  port: number;
  username: string;
  privateKey: string | Buffer;
  passphrase?: string;
  /** the accepted "SHA256:..." fingerprint: any other host key is refused */
  pinnedFingerprint: string;
  /** the accepted key's type: only that key is negotiated */
  hostKeyAlgorithm?: string;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /**
   * concurrent commands on the connection; sshd allows MaxSessions (10)
   * channels, and a time-out's kill needs one of its own
   */
  maxChannels?: number;
  /** default maxCaptureBytes per stream */
  maxCaptureBytes?: number;
  /** after TERM, how long a timed-out or aborted command has before KILL */
  killGraceMs?: number;
}

export class SshExecutor implements Executor {
  readonly where: string;
  readonly #opts: SshConnectOptions;
  readonly #slots: ChannelSlots;
  #client: Client | null = null;
  #connecting: Promise<Client> | null = null;
  /** the last error of each connection: the errno a command cut off by it is judged by */
  readonly #socketErrors = new WeakMap<Client, Error>();
  #closed = false;

  private constructor(opts: SshConnectOptions) {
    if (!isFingerprint(opts.pinnedFingerprint))
      throw new Error(`"${opts.pinnedFingerprint}" is not an OpenSSH SHA256 fingerprint`);
    this.#opts = opts;
    this.where = `${opts.username}@${opts.host}:${opts.port}`;
    this.#slots = new ChannelSlots(opts.maxChannels ?? 6);
  }

  /** Connects now, so a changed host key or a refused login surfaces here. */
  static async connect(opts: SshConnectOptions): Promise<SshExecutor> {
    const executor = new SshExecutor(opts);
    await executor.#ensureClient();
    return executor;
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.#closed) throw new Error(`the SSH connection to ${this.where} was closed`);
    if (opts.signal?.aborted) throw this.#error(argv, { reason: 'was aborted before it started' });
    const release = await this.#slots.acquire(opts.signal);
    try {
      for (let attempt = 1; ; attempt++) {
        const client = await this.#ensureClient();
        try {
          return await this.#run(client, argv, opts);
        } catch (err) {
          // sshd frees a session only once it has reaped the session's child: a busy host
          // briefly refuses a new channel although ours are below MaxSessions. The command
          // did not start, so opening the channel again is safe.
          const again =
            err instanceof ChannelRefused && triesLeft(RETRY_POLICIES.sshChannelOpen, attempt) && !opts.signal?.aborted;
          if (!again) throw err instanceof ChannelRefused ? err.error : err;
          await sleep(retryDelayMs(RETRY_POLICIES.sshChannelOpen, attempt));
        }
      }
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client ?? (await this.#connecting?.catch(() => null)) ?? null;
    this.#client = null;
    if (!client) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2_000);
      client.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      client.end();
    });
  }

  #ensureClient(): Promise<Client> {
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= this.#connectOnce().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  #connectOnce(): Promise<Client> {
    const o = this.#opts;
    return new Promise((resolve, reject) => {
      const client = new Client();
      let seen: string | null | undefined;
      client.on('ready', () => {
        if (this.#closed) {
          client.end();
          return reject(new Error(`the SSH connection to ${this.where} was closed`));
        }
        this.#client = client;
        resolve(client);
      });
      client.on('error', (err) => {
        this.#socketErrors.set(client, err);
        if (this.#client === client) this.#client = null;
        reject(this.#connectError(err, seen));
      });
      client.on('close', () => {
        if (this.#client === client) this.#client = null;
        reject(new Error(`${this.where} closed the SSH connection during login`));
      });
      client.connect({
        host: o.host,
        port: o.port,
        username: o.username,
        privateKey: o.privateKey,
        passphrase: o.passphrase,
        readyTimeout: o.readyTimeoutMs ?? 20_000,
        keepaliveInterval: o.keepaliveIntervalMs ?? 15_000,
        keepaliveCountMax: o.keepaliveCountMax ?? 4,
        ...(o.hostKeyAlgorithm
          ? { algorithms: { serverHostKey: serverHostKeyAlgorithmsFor(o.hostKeyAlgorithm) } }
          : {}),
        hostVerifier: (blob: Buffer) => {
          seen = fingerprintOf(blob);
          return seen === o.pinnedFingerprint;
        },
      });
    });
  }

  #connectError(err: Error, seen: string | null | undefined): Error {
    const o = this.#opts;
    if (seen !== undefined && seen !== o.pinnedFingerprint)
      return new SshHostKeyMismatch({ host: `${o.host}:${o.port}`, expected: o.pinnedFingerprint, actual: seen });
    if (o.hostKeyAlgorithm && /no matching host ?key/i.test(err.message))
      return new SshHostKeyMismatch({ host: `${o.host}:${o.port}`, expected: o.pinnedFingerprint, actual: null });
    if (/authentication methods failed/i.test(err.message)) {
      const hint = `add the source host's public key to ${o.username}'s authorized_keys on the hypervisor, or fix the user name`;
      return new AppError('source_refused', `SSH login to ${this.where} was refused: ${hint}`, { cause: err });
    }
    // refused, reset, timed out, unreachable: the host may come back, so this may be retried
    return new AppError('source_unreachable', `cannot connect to ${this.where} over SSH: ${err.message}`, {
      cause: err,
    });
  }

  #run(client: Client, argv: readonly string[], opts: ExecOptions): Promise<ExecResult> {
    const line = remoteCommandLine(argv, { cwd: opts.cwd, env: opts.env });
    const max = opts.maxCaptureBytes ?? this.#opts.maxCaptureBytes ?? 1024 * 1024;
    const started = Date.now();
    // a kill runs on a channel of its own, outside the slots: it must not wait
    const killGroup = (pid: number, sig: 'TERM' | 'KILL') =>
      client.exec(killGroupLine(pid, sig), (err, stream) => {
        if (!err)
          stream
            .on('error', () => undefined)
            .resume()
            .end();
      });
    return new Promise((resolve, reject) => {
      client.exec(line, (err, stream) => {
        if (err) {
          const open = /open failed/i.test(err.message);
          const error = this.#error(argv, {
            reason: `could not start over SSH: ${err.message}`,
            // a refused channel is sshd's answer; anything else is the connection's failure
            cause: open ? undefined : this.#connectionLost(client, err),
          });
          return reject(open ? new ChannelRefused(error) : error);
        }
        const run = new RemoteRun(stream, opts, max, this.#opts.killGraceMs ?? 2_000, killGroup, () =>
          this.#connectionLost(client),
        );
        const onClientGone = () => run.lost();
        client.once('close', onClientGone);
        void run.done.then((end) => {
          client.removeListener('close', onClientGone);
          const res = {
            code: end.code ?? -1,
            stdout: end.stdout,
            stderr: end.stderr,
            durationMs: Date.now() - started,
          };
          if (end.code !== null && (opts.allowExitCodes ?? [0]).includes(end.code)) return resolve(res);
          reject(
            this.#error(argv, {
              code: end.code,
              stdout: end.stdout,
              stderr: end.stderr,
              timedOut: end.timedOut,
              reason: end.reason,
              cause: end.cause,
            }),
          );
        });
      });
    });
  }

  #error(
    argv: readonly string[],
    e: {
      code?: number | null;
      stdout?: string;
      stderr?: string;
      timedOut?: boolean;
      reason?: string;
      cause?: Error;
    },
  ): ExecError {
    return new ExecError({
      argv,
      where: this.where,
      code: e.code ?? null,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
      timedOut: e.timedOut,
      reason: e.reason,
      cause: e.cause,
    });
  }

  /**
   * Why a command was cut off: the connection's socket error with its errno
   * (ECONNRESET, ETIMEDOUT, EHOSTUNREACH...), so the engine retries it like
   * any network error; a connection the host closed without one is a reset.
   */
  #connectionLost(client: Client, fallback?: Error): Error {
    const socketError = this.#socketErrors.get(client);
    if (socketError && typeof (socketError as { code?: unknown }).code === 'string') return socketError;
    if (fallback && typeof (fallback as { code?: unknown }).code === 'string') return fallback;
    return Object.assign(
      new Error(`the SSH connection to ${this.where} was closed`, { cause: socketError ?? fallback }),
      {
        code: 'ECONNRESET',
      },
    );
  }
}

interface RunEnd {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  reason?: string;
  cause?: Error;
}

/** One command on one channel, from start to its exit, time-out, abort or a lost connection. */
class RemoteRun {
  readonly done: Promise<RunEnd>;
  #finish!: (end: RunEnd) => void;
  readonly #out: OutputTail;
  readonly #err: OutputTail;
  #pid: number | null = null;
  /** stderr until the PID line is complete */
  #head: string | null = '';
  #code: number | null = null;
  #signal: string | null = null;
  #stop: 'timeout' | 'abort' | 'lost' | null = null;
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly stream: ClientChannel,
    private readonly opts: ExecOptions,
    max: number,
    private readonly killGraceMs: number,
    private readonly killGroup: (pid: number, sig: 'TERM' | 'KILL') => void,
    private readonly connectionLost: () => Error,
  ) {
    this.done = new Promise((r) => (this.#finish = r));
    this.#out = new OutputTail(max);
    this.#err = new OutputTail(max);
    stream.setEncoding('utf8');
    stream.stderr.setEncoding('utf8');
    stream.on('data', (c: string) => this.#push(this.#out, c, opts.onStdout));
    stream.stderr.on('data', (c: string) => this.#stderr(c));
    stream.on('exit', (code: number | null, signal?: string) => {
      if (typeof code === 'number') this.#code = code;
      else this.#signal = signal ?? null;
    });
    stream.on('close', () => this.#end());
    stream.on('error', () => undefined);
    if (opts.timeoutMs) this.#timers.push(setTimeout(() => this.#kill('timeout'), opts.timeoutMs));
    opts.signal?.addEventListener('abort', this.#onAbort, { once: true });
    if (opts.stdin !== undefined) stream.end(opts.stdin);
    else stream.end();
  }

  lost(): void {
    this.#stop ??= 'lost';
    this.#end();
  }

  readonly #onAbort = () => this.#kill('abort');

  #push(tail: OutputTail, chunk: string, cb?: (c: string) => void): void {
    if (chunk === '') return;
    tail.push(chunk);
    cb?.(chunk);
  }

  /**
   * The PID line is ours, not the command's output. It is the first thing
   * our line prints, but a login shell's rc files may print before it, so it
   * is looked for in the first few KiB of stderr and cut out there.
   */
  #stderr(chunk: string): void {
    if (this.#head === null) return this.#push(this.#err, chunk, this.opts.onStderr);
    this.#head += chunk;
    const at = this.#head.indexOf(PID_MARKER);
    const nl = at < 0 ? -1 : this.#head.indexOf('\n', at);
    if (nl < 0 && this.#head.length < 4096) return;
    let rest = this.#head;
    const pid = nl < 0 ? '' : this.#head.slice(at + PID_MARKER.length, nl);
    if (/^[0-9]+$/.test(pid)) {
      this.#pid = Number(pid);
      rest = this.#head.slice(0, at) + this.#head.slice(nl + 1);
    }
    this.#head = null;
    this.#push(this.#err, rest, this.opts.onStderr);
    if (this.#stop === 'timeout' || this.#stop === 'abort') this.#signalGroup('TERM');
  }

  /** TERM to the process group; KILL and a closed channel if it is still there after the grace time. */
  #kill(why: 'timeout' | 'abort'): void {
    if (this.#stop) return;
    this.#stop = why;
    this.#signalGroup('TERM');
    this.#timers.push(
      setTimeout(() => {
        this.#signalGroup('KILL');
        this.stream.close();
      }, this.killGraceMs),
    );
  }

  #signalGroup(sig: 'TERM' | 'KILL'): void {
    if (this.#pid === null) return;
    try {
      this.killGroup(this.#pid, sig);
    } catch {
      // the connection is going away; the channel close below ends the run
    }
  }

  #end(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.opts.signal?.removeEventListener('abort', this.#onAbort);
    if (this.#head) this.#push(this.#err, this.#head, this.opts.onStderr);
    this.#head = null;
    const base = { stdout: this.#out.toString(), stderr: this.#err.toString() };
    if (this.#stop === 'timeout')
      return this.#finish({ ...base, code: null, timedOut: true, reason: `timed out after ${this.opts.timeoutMs} ms` });
    if (this.#stop === 'abort') return this.#finish({ ...base, code: null, timedOut: false, reason: 'was aborted' });
    if (this.#code !== null) return this.#finish({ ...base, code: this.#code, timedOut: false });
    if (this.#signal)
      return this.#finish({ ...base, code: null, timedOut: false, reason: `was killed by SIG${this.#signal}` });
    const cause = this.connectionLost();
    const reason = `lost its SSH connection before it finished (${errnoOf(cause)})`;
    this.#finish({ ...base, code: null, timedOut: false, reason, cause });
  }
}

function errnoOf(err: Error): string {
  return String((err as { code?: unknown }).code ?? err.message);
}
