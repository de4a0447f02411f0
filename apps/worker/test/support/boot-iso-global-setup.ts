// vitest global setup of the projects whose tests start lab stacks or boot
// guests: one directory for the run's shared boot ISO (test-boot-iso.ts),
// unless scripts/test.sh already gave one for all of `npm test`. The test
// files' processes are started after this and inherit the variable.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEST_BOOT_ISO_DIR_ENV } from './test-boot-iso';

export function setup(): () => void {
  if (process.env[TEST_BOOT_ISO_DIR_ENV]) return () => undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-test-boot-iso-'));
  process.env[TEST_BOOT_ISO_DIR_ENV] = dir;
  return () => {
    delete process.env[TEST_BOOT_ISO_DIR_ENV];
    rmSync(dir, { recursive: true, force: true });
  };
}
