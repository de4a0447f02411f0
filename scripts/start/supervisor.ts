// Runs the product's processes side by side for `npm start` (web, worker,
// lab), prefixes each line of their output with the process name, and stops
// all of them when one dies or on Ctrl-C, so nothing is left running.
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';

export interface ProcessSpec {
  name: string;
  argv: string[];
  env?: Record<string, string>;
  cwd?: string;
}

const COLORS = [36, 35, 33, 32, 34, 31];

export class Supervisor {
  readonly #children = new Map<string, ChildProcess>();
  #stopping = false;
  #exitCode = 0;
  #onAllStopped: (() => void) | null = null;

  start(spec: ProcessSpec): ChildProcess {
    const color = COLORS[this.#children.size % COLORS.length];
    const tag = `\x1b[${color}m${spec.name.padEnd(7)}\x1b[0m |`;
    const child = spawn(spec.argv[0]!, spec.argv.slice(1), {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group: we can stop its children too
    });
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream! }).on('line', (line) => console.log(`${tag} ${line}`));
    }
    child.on('exit', (code, signal) => {
      this.#children.delete(spec.name);
      if (!this.#stopping) {
        console.log(`${tag} exited (${signal ?? code}); stopping everything`);
        this.#exitCode = code || 1;
        void this.stopAll();
      }
      if (this.#children.size === 0) this.#onAllStopped?.();
    });
    this.#children.set(spec.name, child);
    return child;
  }

  async stopAll(): Promise<void> {
    this.#stopping = true;
    const done = new Promise<void>((resolve) => {
      this.#onAllStopped = resolve;
      if (this.#children.size === 0) resolve();
    });
    for (const child of this.#children.values()) signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => {
      for (const child of this.#children.values()) signalGroup(child, 'SIGKILL');
    }, 15_000);
    await done;
    clearTimeout(timer);
  }

  get exitCode(): number {
    return this.#exitCode;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}
