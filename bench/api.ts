// `npm run bench -- api`: every page's data request (each GET route of
// apps/web) through its real route handler against a database at the real
// scale. The measuring runs in a child process: the route modules import
// the web app's @/ paths, which tsx resolves from apps/web/tsconfig.json.
// The child writes its figures into a file for this process to return.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchResult } from './support/results';

export async function run(): Promise<BenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-bench-api-'));
  const file = path.join(dir, 'result.json');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'support/api-bench.ts')], {
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: path.resolve(import.meta.dirname, '../apps/web/tsconfig.json'),
        BENCH_RESULT_FILE: file,
      },
      stdio: 'inherit',
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`bench api exited with ${code}`);
    return JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
