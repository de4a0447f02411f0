// The lab's vzlist and vzctl as single files: esbuild bundles the
// TypeScript (with the parsers they share with the product) into CommonJS
// scripts whose first line is this Node, so each call is a plain `node` start
// (about 50 ms), not a TypeScript compile.
import { buildSync } from 'esbuild';
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const TOOLS = ['vzlist', 'vzctl'] as const;

export function bundleTools(binDir: string): void {
  mkdirSync(binDir, { recursive: true });
  for (const tool of TOOLS) {
    const outfile = path.join(binDir, tool);
    buildSync({
      entryPoints: [path.join(import.meta.dirname, 'tools', `${tool}.ts`)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      banner: { js: `#!${process.execPath}` },
      logLevel: 'error',
    });
    chmodSync(outfile, 0o755);
  }
}
