import path from 'node:path';
import { defineConfig } from 'vitest/config';
import LabFirstSequencer from './test/lab-first-sequencer';

// apps/web's own imports ("@/server/route"), as its tsconfig paths say
const webAlias = { alias: [{ find: /^@\//, replacement: `${path.resolve(import.meta.dirname, 'apps/web/src')}/` }] };

// one boot ISO and appliance build for the whole run (apps/worker/test/support/test-boot-iso.ts)
const bootIsoSetup = 'apps/worker/test/support/boot-iso-global-setup.ts';

// unit: pure tests next to the code (*.test.ts under src/), no services.
// integration: tests under test/ of a package or app; they use the real
// PostgreSQL and Redis, real sshd, rsync, loop devices and QEMU.
export default defineConfig({
  test: {
    sequence: { sequencer: LabFirstSequencer },
    projects: [
      {
        resolve: webAlias,
        test: {
          name: 'unit',
          // packages/guest's tests are pure too (fixtures and goldens on disk)
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'test/repo/**/*.test.ts',
            'packages/guest/test/**/*.test.ts',
          ],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve: webAlias,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
          exclude: ['packages/guest/test/**', '**/*.boot.test.ts', '**/*.faults.test.ts', '**/node_modules/**'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 600_000,
          // 2 cores: a few files at a time, each with its own database
          maxWorkers: 3,
          globalSetup: [bootIsoSetup],
          sequence: { groupOrder: 1 },
        },
      },
      {
        // real QEMU boots of converted guests, after the rest, beside the fault suite (one group: vitest
        // wants one maxWorkers for it): a QEMU (TCG, one vCPU) keeps one core busy while its file's other
        // work waits, and the fault tests wait on restarts; four files at a time kept both cores busy
        // (21.0 min for both, 22.7 one after the other; each lab has its own addresses)
        test: {
          name: 'boot',
          include: ['apps/*/test/**/*.boot.test.ts'],
          environment: 'node',
          testTimeout: 900_000,
          hookTimeout: 900_000,
          maxWorkers: 4,
          globalSetup: [bootIsoSetup],
          sequence: { groupOrder: 2 },
        },
      },
      {
        // the fault suite (npm run test:faults): workers killed, boxes lost, PostgreSQL and Redis restarted
        // (private instances of their own: the machine's are everyone's), beside the boots
        test: {
          name: 'faults',
          include: ['apps/*/test/**/*.faults.test.ts', 'packages/*/test/**/*.faults.test.ts'],
          environment: 'node',
          testTimeout: 900_000,
          hookTimeout: 900_000,
          maxWorkers: 4,
          globalSetup: [bootIsoSetup],
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
