// The layer table: which code may import what. dependency-cruiser's rules
// (.dependency-cruiser.js) and ESLint's import restrictions (eslint.config.js)
// are both generated from it, so a rule is written once for every package.
//
// - Workspaces are the folders of the root package.json "workspaces"
//   (apps/*, packages/*). A workspace imports only the @vzferry/* packages
//   declared in its package.json "dependencies"; its tests (TEST_PATH) may
//   also import its "devDependencies". Those lists are read from the
//   package.json files, not copied here.
// - A package never imports an app; an app imports another app only from
//   its tests, through a declared devDependency (apps/worker's tests drive
//   @vzferry/lab).
// - OWNED: a library that one workspace wraps; nobody else imports it.
// - PURE: a workspace that does no I/O and runs in the browser too: it
//   imports no Node built-in module and no workspace of ours.
// - The package graph is acyclic (dependency-cruiser checks it per package
//   and per file).
// Code at the root (bench/, scripts/, e2e/, test/) is not a layer: it may
// import any workspace, but it too leaves the OWNED libraries to their owner.
//
// `node scripts/lint/layers.js` prints the table as it stands.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Libraries that exactly one workspace imports. `modules`: npm names (a trailing /* means the scope); `paths`: files. */
export const OWNED = [
  {
    owner: 'packages/db',
    what: 'Prisma',
    modules: ['@prisma/*', 'pg'],
    paths: ['packages/db/src/generated/'],
  },
  { owner: 'packages/ssh', what: 'ssh2', modules: ['ssh2'], paths: [] },
  { owner: 'packages/queue', what: 'BullMQ', modules: ['bullmq', 'ioredis'], paths: [] },
];

/** Workspaces without I/O: no Node built-ins (node:fs, node:net, child_process, ...), no globals that reach out. */
export const PURE = {
  'packages/core': 'the domain rules: the web bundles it for the browser, every workspace imports it',
};

/** Globals that do I/O, forbidden in PURE workspaces (ESLint). */
export const IO_GLOBALS = ['fetch', 'process', 'require', 'WebSocket', 'XMLHttpRequest', 'EventSource'];

/**
 * Tests and their fixtures: *.test.ts(x), anything under a test/ folder, e2e/,
 * and the testing entry points that packages export for other packages'
 * tests (src/testing.ts, src/testing/). Not bench/: a benchmark is product code
 * that measures the product.
 */
export const TEST_PATH = '(^|/)(test|e2e)/|[.](test|spec)[.]tsx?$|(^|/)src/testing([.]ts$|/)';
export const TEST_GLOBS = [
  '**/*.test.ts',
  '**/*.test.tsx',
  '**/*.spec.ts',
  '**/test/**',
  'e2e/**',
  '**/src/testing.ts',
  '**/src/testing/**',
];

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/**
 * The workspaces under `root`, from its package.json "workspaces" (simple
 * "dir/*" globs), with the @vzferry-style workspace names each declares.
 */
export function readWorkspaces(root = REPO_ROOT) {
  const globs = readJson(path.join(root, 'package.json')).workspaces ?? [];
  const dirs = globs.flatMap((glob) => {
    if (!glob.endsWith('/*'))
      throw new Error(`scripts/lint/layers.js: only "dir/*" workspace globs are supported, not ${glob}`);
    const parent = glob.slice(0, -2);
    if (!existsSync(path.join(root, parent))) return [];
    return readdirSync(path.join(root, parent), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(root, parent, d.name, 'package.json')))
      .map((d) => `${parent}/${d.name}`);
  });
  const manifests = new Map(dirs.map((dir) => [dir, readJson(path.join(root, dir, 'package.json'))]));
  const byName = new Map([...manifests].map(([dir, pkg]) => [pkg.name, dir]));
  const workspaceDeps = (deps) =>
    Object.keys(deps ?? {})
      .filter((name) => byName.has(name))
      .map((name) => byName.get(name));
  return dirs.sort().map((dir) => {
    const pkg = manifests.get(dir);
    return {
      dir,
      name: pkg.name,
      kind: dir.startsWith('apps/') ? 'app' : 'package',
      deps: workspaceDeps(pkg.dependencies),
      devDeps: workspaceDeps(pkg.devDependencies),
      owns: OWNED.filter((o) => o.owner === dir).map((o) => o.what),
      pure: dir in PURE,
    };
  });
}

/**
 * The declared workspace edges (dependencies; see below for devDependencies) that lie on
 * a cycle, each with one cycle through it: [{ from, to, cycle: [from, to, ..., from] }].
 */
export function cyclicEdges(workspaces) {
  // devDependencies are left out: a package's tests may drive the lab (the
  // test double of OpenVZ and CloudStack), which itself uses packages; what
  // runs in production is the dependencies graph, and that one is acyclic
  const edges = new Map(workspaces.map((w) => [w.dir, [...new Set(w.deps)]]));
  const pathBetween = (start, goal) => {
    const previous = new Map([[start, null]]);
    const queue = [start];
    while (queue.length) {
      const dir = queue.shift();
      if (dir === goal) {
        const path = [];
        for (let at = goal; at !== null; at = previous.get(at)) path.unshift(at);
        return path;
      }
      for (const next of edges.get(dir) ?? []) {
        if (!previous.has(next)) {
          previous.set(next, dir);
          queue.push(next);
        }
      }
    }
    return null;
  };
  return [...edges].flatMap(([from, tos]) =>
    tos.flatMap((to) => {
      const back = pathBetween(to, from);
      return back ? [{ from, to, cycle: [from, ...back] }] : [];
    }),
  );
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Regexes for an OWNED entry's npm modules: resolved (.../node_modules/pg/...) or not ('pg'). */
export function ownedModulesRegexes(owned) {
  const names = owned.modules.map((m) => (m.endsWith('/*') ? `${escape(m.slice(0, -2))}/[^/]+` : escape(m)));
  const any = `(${names.join('|')})`;
  return [`(^|/)node_modules/${any}/`, `^${any}(/|$)`];
}

function printTable(root) {
  const workspaces = readWorkspaces(root);
  const short = (dir) => dir.replace(/^(packages|apps)\//, '');
  // a workspace's layer: one above the highest of its dependencies (core: 0)
  const layer = new Map();
  const layerOf = (dir) => {
    if (!layer.has(dir)) {
      layer.set(dir, Infinity); // a cycle shows as Infinity
      const deps = workspaces.find((w) => w.dir === dir)?.deps ?? [];
      layer.set(dir, deps.length ? 1 + Math.max(...deps.map(layerOf)) : 0);
    }
    return layer.get(dir);
  };
  const rows = [
    ['layer', 'workspace', 'imports (dependencies)', 'tests also (devDependencies)', 'only it imports', 'no I/O'],
    ...workspaces
      .sort((a, b) => layerOf(a.dir) - layerOf(b.dir) || a.dir.localeCompare(b.dir))
      .map((w) => [
        String(layerOf(w.dir)),
        w.dir,
        w.deps.map(short).join(', ') || '-',
        w.devDeps.map(short).join(', ') || '-',
        w.owns.join(', ') || '-',
        w.pure ? 'yes' : '-',
      ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows)
    console.log(
      r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
  const cycles = cyclicEdges(workspaces);
  if (cycles.length) console.log(`\ncycles: ${cycles.map((c) => c.cycle.join(' -> ')).join('; ')}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) printTable(REPO_ROOT);
