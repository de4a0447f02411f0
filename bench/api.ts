// `npm run bench -- api`: every page's data request (each GET route of
// apps/web) through its real route handler against a database at the real
// scale. The measuring runs in a child process: the route modules import
// the web app's @/ paths, which tsx resolves from apps/web/tsconfig.json.
import { spawn } from 'node:child_process';
import path from 'node:path';

export async function run(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'support/api-bench.ts')], {
    env: { ...process.env, TSX_TSCONFIG_PATH: path.resolve(import.meta.dirname, '../apps/web/tsconfig.json') },
    stdio: 'inherit',
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`bench api exited with ${code}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
