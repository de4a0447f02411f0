// Browser journeys in Debian's Chromium (Playwright cannot download its own
// browser here). e2e/global-setup.ts brings up a database, the lab and the
// web app on ports of their own, so the journeys never touch the demo.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3100',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'],
    },
    // signed in as the demo admin unless a spec picks another role (e2e/support/auth.ts)
    storageState: 'test-results/auth/admin.json',
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
