// The lab's CloudStack for these tests (the real HTTP test double of the
// management server; it shares nothing with this package but the wire format).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type LabCloudStack, startCloudStack, type StartCloudStackOptions } from '@vzferry/lab/cloudstack';
import { type CloudStackClient, createCloudStackClient } from '../../src/index';

export interface LabHarness {
  dir: string;
  lab: LabCloudStack;
  cs: CloudStackClient;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export const FAST = {
  vmTransitionMs: 50,
  installMs: 100,
  downloadRateBytesPerSec: 0,
  readTimeoutMs: 5000,
  downloadPollMs: 100,
};

export async function startLab(
  label: string,
  opts: Partial<Omit<StartCloudStackOptions, 'dir'>> = {},
): Promise<LabHarness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `vzferry-cs-${label}-`));
  const client = (lab: LabCloudStack) =>
    createCloudStackClient({
      endpoint: lab.endpoint,
      apiKey: lab.apiKey,
      secretKey: lab.secretKey,
      jobs: { initialIntervalMs: 50, maxIntervalMs: 200, deadlineMs: 30_000 },
    });
  const harness: LabHarness = {
    dir,
    lab: await startCloudStack({ dir, ...FAST, ...opts }),
    cs: undefined as unknown as CloudStackClient,
    restart: async () => {
      await harness.lab.stop();
      harness.lab = await startCloudStack({ dir, ...FAST, ...opts });
      harness.cs = client(harness.lab);
    },
    close: async () => {
      await harness.lab.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  harness.cs = client(harness.lab);
  return harness;
}
