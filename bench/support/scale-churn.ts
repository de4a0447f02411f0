// The running containers of the batch keep changing while they are
// migrated, as the lab's own churn (apps/lab/src/openvz/churn.ts) does for
// every running container: a log line, a counter, now and then a file made
// or deleted, every 3 s. The lab's churn is off in this bench: it writes to
// every running container with synchronous calls, and at 3,000 containers
// (about 2,500 running) a round takes 2-3 s of the lab process's event loop
// every 3 s on this machine, so the CloudStack simulator in that process
// stopped answering (API calls timed out). Here only the batch's containers
// change, with asynchronous writes, one round at a time.
import { appendFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';

export function startBatchChurn(labDir: string, cts: Array<{ host: string; ctid: number }>, intervalMs = 3000) {
  let tick = 0;
  let stopped = false;
  const round = async () => {
    tick++;
    for (const c of cts) {
      if (stopped) return;
      const hostDir = path.join(labDir, 'hosts', c.host);
      // a stopped container never changes
      if (!existsSync(path.join(hostDir, 'vz/lab/running', String(c.ctid)))) continue;
      await churnOne(path.join(hostDir, 'vz/private', String(c.ctid)), tick).catch(() => undefined);
    }
  };
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      await round();
      await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - started))));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

async function churnOne(root: string, tick: number): Promise<void> {
  const now = new Date().toISOString();
  await appendFile(path.join(root, 'var/log/lab-churn.log'), `${now} tick ${tick}\n`);
  await writeFile(path.join(root, 'var/lib/lab/counter'), `${tick}\n`);
  const scratch = path.join(root, 'var/lib/lab', `scratch-${Math.floor(tick / 5) % 3}`);
  if (tick % 5 === 0) await writeFile(scratch, `${now}\n`.repeat(64));
  if (tick % 5 === 2) await rm(scratch, { force: true });
}
