// The import graph's rules, generated from the layer table in
// scripts/lint/layers.js for the repository it runs in (the current
// directory: `npm run lint` runs it at the root, test/repo/lint-rules.test.ts
// in fixture trees). It resolves imports as Node and TypeScript do: @vzferry/*
// through the workspace links in node_modules and each package.json
// "exports" (subpaths too: @vzferry/db/testing), the web app's @/ alias
// through tsconfig.lint.json, and type-only imports count.
import path from 'node:path';
import { OWNED, PURE, TEST_PATH, cyclicEdges, ownedModulesRegexes, readWorkspaces } from './scripts/lint/layers.js';

const root = process.cwd();
const workspaces = readWorkspaces(root);

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WORKSPACE = '^(packages|apps)/[^/]+/';
/** The test files of a workspace (TEST_PATH, anchored at its folder). */
const testsOf = (dir) =>
  [`(test|.*/test)/`, `.*[.](test|spec)[.]tsx?$`, `src/testing([.]ts$|/)`].map((p) => `^${escape(dir)}/${p}`);
const inside = (dirs) => `^(${dirs.map(escape).join('|')})/`;

const declared = workspaces.flatMap((w) => {
  const comment = (list, where) =>
    `${w.dir}${where} imports only the workspaces its package.json declares` +
    ` (${list.length ? list.join(', ') : 'none'}): add the dependency there first, or import through one that has it.`;
  return [
    {
      name: `undeclared-dep:${w.dir}`,
      comment: comment(w.deps, ''),
      severity: 'error',
      from: { path: `^${escape(w.dir)}/`, pathNot: TEST_PATH },
      to: { path: WORKSPACE, pathNot: inside([w.dir, ...w.deps]) },
    },
    {
      name: `undeclared-test-dep:${w.dir}`,
      comment: comment([...w.deps, ...w.devDeps], "'s tests"),
      severity: 'error',
      from: { path: testsOf(w.dir) },
      to: { path: WORKSPACE, pathNot: inside([w.dir, ...w.deps, ...w.devDeps]) },
    },
  ];
});

const owned = OWNED.map((o) => ({
  name: `only-${o.owner.replace('/', '-')}-imports-${o.what.toLowerCase()}`,
  comment: `only ${o.owner} imports ${o.what} (${[...o.modules, ...o.paths].join(', ')}): use what ${o.owner} exports.`,
  severity: 'error',
  from: { pathNot: `^${escape(o.owner)}/` },
  to: { path: [...ownedModulesRegexes(o), ...o.paths.map((p) => `^${escape(p)}`)] },
}));

const pure = Object.entries(PURE).flatMap(([dir, why]) => [
  {
    name: `no-io-in-${dir.replace('/', '-')}`,
    comment: `${dir} does no I/O (${why}): no Node built-in module (node:fs, node:net, child_process, ...). Do the I/O in the caller and pass the data in.`,
    severity: 'error',
    from: { path: `^${escape(dir)}/`, pathNot: TEST_PATH },
    to: { dependencyTypes: ['core'] },
  },
  {
    name: `nothing-of-ours-in-${dir.replace('/', '-')}`,
    comment: `${dir} imports no workspace of ours: everything else imports it.`,
    severity: 'error',
    from: { path: `^${escape(dir)}/` },
    to: { path: WORKSPACE, pathNot: `^${escape(dir)}/` },
  },
]);

// The package graph (package.json dependencies) is acyclic: every import between workspaces must be
// declared (above), so a cycle of imports between packages is a cycle of
// package.json dependencies; the imports along such a cycle are errors,
// whether or not the files themselves form a cycle.
const packageCycles = cyclicEdges(workspaces).map(({ from, to, cycle }) => ({
  name: `no-circular-packages:${from}->${to}`,
  comment:
    `a cycle between workspaces: ${cycle.join(' -> ')} (package.json dependencies). ` +
    'The package graph stays acyclic (apps -> packages -> core): move the shared part down a layer.',
  severity: 'error',
  from: { path: `^${escape(from)}/` },
  to: { path: `^${escape(to)}/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import cycle between files: move what both need into a third module, or pass it in.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'package-imports-app',
      comment: 'a package never imports an app: apps are built on packages, not the other way round.',
      severity: 'error',
      from: { path: '^packages/', pathNot: TEST_PATH },
      to: { path: '^apps/' },
    },
    {
      name: 'relative-import-into-another-workspace',
      comment:
        'another workspace is imported by its package name (@vzferry/...) and what its package.json exports, not by a relative path into its source.',
      severity: 'error',
      from: { path: '^(packages|apps)/([^/]+)/' },
      to: { path: WORKSPACE, pathNot: '^$1/$2/', dependencyTypes: ['local'], dependencyTypesNot: ['aliased'] },
    },
    {
      name: 'root-code-reaches-into-a-workspace',
      comment:
        'bench/, scripts/, e2e/ and test/ use a workspace through its package name and what its package.json exports, not a relative path into its source.',
      severity: 'error',
      from: { path: '^(bench|scripts|e2e|test)/' },
      to: { path: WORKSPACE, dependencyTypes: ['local'], dependencyTypesNot: ['aliased'] },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'an import that does not resolve: a missing file, a package that is not installed, or a subpath that the package.json "exports" does not list.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'workspace-imports-root-code',
      comment:
        'code in apps/ and packages/ does not import the root folders (bench/, scripts/, e2e/, test/): they sit on top of the workspaces. Move the shared code into a workspace.',
      severity: 'error',
      from: { path: '^(packages|apps)/' },
      to: { path: '^(bench|scripts|e2e|test)/' },
    },
    ...packageCycles,
    ...declared,
    ...owned,
    ...pure,
  ],
  options: {
    doNotFollow: { path: ['(^|/)node_modules/', '^packages/db/src/generated/'] },
    exclude: { path: '(^|/)([.]next|dist|[.]data|[.]lab)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: path.join(import.meta.dirname, 'tsconfig.lint.json') },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
