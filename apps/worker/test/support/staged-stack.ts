// A lab stack whose worker can stage VMs: the boot ISO built as a box's
// engineer would (npm run boot-iso), a delta server on a free port, and the
// zone set to staged cutovers.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { savePipelineSettings } from '@vzferry/db';
import type { StartLabOptions } from '@vzferry/lab';
import { freePort } from '@vzferry/ssh/free-port';
import { startLabStack, type LabStack } from './lab-stack';
import { testBootIso } from './test-boot-iso';

export interface StagedStack {
  stack: LabStack;
  /** scratch space of the test (the ISO lives here) */
  dir: string;
  stop(): Promise<void>;
}

export async function startStagedStack(
  name: string,
  lab: Pick<StartLabOptions, 'hosts' | 'containers' | 'debian12' | 'cloudstackDownloadRate'>,
  settings: Parameters<typeof savePipelineSettings>[1] = {},
): Promise<StagedStack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `vzferry-${name}-`));
  const iso = await testBootIso(path.join(dir, 'vzferry-boot.iso'));
  const stack = await startLabStack(name, lab, { BOOT_ISO: iso.path, DELTA_SERVER_PORT: String(await freePort()) });
  await savePipelineSettings(stack.t.db, {
    cutoverMode: 'staged',
    catchUpSyncIntervalMinutes: 1,
    templatePollSeconds: 1,
    templateRetryBackoffSeconds: 1,
    ...settings,
  });
  return {
    stack,
    dir,
    async stop() {
      if (stack.workerLog.length) console.log(stack.workerLog.slice(-60).join('\n'));
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
