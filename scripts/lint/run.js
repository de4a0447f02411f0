// `npm run lint`: every check, each to the end, then one verdict.
//   format  Prettier --check (prettier.config.js, .prettierignore); `npm run format` fixes it
//   eslint  ESLint (eslint.config.js), no warnings allowed
//   deps    dependency-cruiser (.dependency-cruiser.js): import cycles between files and
//           between workspaces, and the layer rules of scripts/lint/layers.js
// `node scripts/lint/run.js deps` (or format, eslint) runs the ones named.
// The three run side by side; each one's output is printed when it ends.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The folders whose imports dependency-cruiser reads: the workspaces and the code at the root that uses them. */
const CRUISED = ['apps', 'packages', 'bench', 'scripts', 'e2e', 'test'];

const CHECKS = {
  format: ['prettier', '--check', '--cache', '.'],
  eslint: ['eslint', '--max-warnings', '0', '.'],
  deps: ['depcruise', '--config', '.dependency-cruiser.js', '--output-type', 'err-long', ...CRUISED],
};

function run(name) {
  const [bin, ...args] = CHECKS[name];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin', bin), args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (err) => resolve({ name, code: 1, output: String(err), seconds: 0 }));
    child.on('close', (code) =>
      resolve({
        name,
        code: code ?? 1,
        output: Buffer.concat(output).toString(),
        seconds: (Date.now() - started) / 1000,
      }),
    );
  });
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in CHECKS));
if (unknown.length) {
  console.error(`unknown check ${unknown.join(', ')}; the checks are: ${Object.keys(CHECKS).join(', ')}`);
  process.exit(2);
}
const names = wanted.length ? wanted : Object.keys(CHECKS);
const pending = new Map(names.map((name) => [name, run(name)]));
const results = [];
for (const name of names) {
  const result = await pending.get(name);
  results.push(result);
  console.log(`\n── ${name}: ${CHECKS[name].join(' ')}`);
  if (result.output.trim()) console.log(result.output.trimEnd());
}
console.log('');
for (const r of results) console.log(`${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds.toFixed(1)} s)`);
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
