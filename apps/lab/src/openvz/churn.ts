// Running containers change while they run, so the final sync has work:
// every few seconds each running container appends to a log, rewrites a
// counter and now and then creates or deletes a file. Stopped containers
// never change. Writes go to the private areas (the bind mounts show them
// at /vz/root/<CTID> too).
import { appendFileSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function startChurn(hostDirs: string[], intervalMs = 3000): { stop(): void } {
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    for (const hostDir of hostDirs) {
      const runningDir = path.join(hostDir, 'vz/lab/running');
      if (!existsSync(runningDir)) continue;
      for (const ctid of readdirSync(runningDir)) churnOne(path.join(hostDir, 'vz/private', ctid), tick);
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function churnOne(root: string, tick: number): void {
  try {
    const now = new Date().toISOString();
    appendFileSync(path.join(root, 'var/log/lab-churn.log'), `${now} tick ${tick}\n`);
    writeFileSync(path.join(root, 'var/lib/lab/counter'), `${tick}\n`);
    const scratch = path.join(root, 'var/lib/lab', `scratch-${Math.floor(tick / 5) % 3}`);
    if (tick % 5 === 0) writeFileSync(scratch, `${now}\n`.repeat(64));
    if (tick % 5 === 2) rmSync(scratch, { force: true });
  } catch {
    // a container stopped or removed between listing and writing
  }
}
