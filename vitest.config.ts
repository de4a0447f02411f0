import path from 'node:path';
import { defineConfig } from 'vitest/config';

// apps/web's own imports ("@/server/route"), as its tsconfig paths say
const webAlias = { alias: [{ find: /^@\//, replacement: `${path.resolve(import.meta.dirname, 'apps/web/src')}/` }] };

// unit: pure tests next to the code (*.test.ts under src/), no services.
// integration: tests under test/ of a package or app; they use the real
// PostgreSQL and Redis, real sshd, rsync, loop devices and QEMU.
export default defineConfig({
  test: {
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
          sequence: { groupOrder: 1 },
        },
      },
      {
        // real QEMU boots of converted guests, after the rest: each QEMU (TCG, one vCPU) keeps one core busy
        // while the file's other work waits for it, so two files at a time (2 cores; each lab its own addresses)
        test: {
          name: 'boot',
          include: ['apps/*/test/**/*.boot.test.ts'],
          environment: 'node',
          testTimeout: 900_000,
          hookTimeout: 900_000,
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
      {
        // the fault suite (npm run test:faults): workers killed, boxes lost, PostgreSQL and Redis restarted
        // (private instances of their own: the machine's are everyone's), after everything else
        test: {
          name: 'faults',
          include: ['apps/*/test/**/*.faults.test.ts', 'packages/*/test/**/*.faults.test.ts'],
          environment: 'node',
          testTimeout: 900_000,
          hookTimeout: 900_000,
          maxWorkers: 2,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
