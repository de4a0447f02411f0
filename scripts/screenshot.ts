// Takes the README's screenshot from a running panel (`npm start`):
//   npx tsx scripts/screenshot.ts [base URL]
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${base}/containers?q=10.11.`);
  await page.getByText(/matching/).waitFor();
  await page.screenshot({ path: 'docs/screenshot-containers.png' });
  console.log('wrote docs/screenshot-containers.png');
} finally {
  await browser.close();
}
