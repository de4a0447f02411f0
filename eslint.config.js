// Lint rules. The dependency rules (which code imports what: Prisma only in
// packages/db, ssh2 only in packages/ssh, BullMQ only in packages/queue,
// nothing of ours and no Node built-in in packages/core) come from the layer
// table in scripts/lint/layers.js; dependency-cruiser (.dependency-cruiser.js)
// checks the same table on the resolved import graph, ESLint repeats the
// import-name part here so that an editor shows it while typing.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import { IO_GLOBALS, OWNED, PURE, TEST_GLOBS, readWorkspaces } from './scripts/lint/layers.js';

const group = (name) => (name.endsWith('/*') ? [name] : [name, `${name}/*`]);

/** no-restricted-imports patterns for the OWNED libraries of everyone but `dir`. */
const ownedBy = (dir) =>
  OWNED.filter((o) => o.owner !== dir).flatMap((o) =>
    o.modules.map((m) => ({ group: group(m), message: `only ${o.owner} imports ${o.what} (scripts/lint/layers.js)` })),
  );

const restricted = (patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });

const importRules = readWorkspaces().map((w) => ({
  files: [`${w.dir}/**`],
  ...(w.pure ? { ignores: TEST_GLOBS } : {}),
  rules: restricted([
    ...ownedBy(w.dir),
    ...(w.pure
      ? [
          {
            group: ['node:*', ...builtinModules.flatMap(group)],
            message: `${w.dir} does no I/O and runs in the browser: no Node built-in module (scripts/lint/layers.js)`,
          },
          { group: ['@vzferry/*'], message: `${w.dir} imports nothing of ours (scripts/lint/layers.js)` },
        ]
      : []),
  ]),
}));

const pureGlobals = Object.keys(PURE).map((dir) => ({
  files: [`${dir}/**`],
  ignores: TEST_GLOBS,
  rules: {
    'no-restricted-globals': [
      'error',
      ...IO_GLOBALS.map((name) => ({
        name,
        message: `${dir} does no I/O: pass what it needs in (scripts/lint/layers.js)`,
      })),
    ],
  },
}));

// `as never` and `as any` (and <never>x, <any>x) turn type checking off for a
// value. Tests and their fixtures may use them to build partial doubles.
const ASSERTION =
  'is a type assertion that turns checking off: give the value its real type (a typed helper, a type guard, a schema ' +
  'parse), or assert the precise type with a comment saying why it holds. Tests and fixtures may use it.';
const typeAssertions = {
  files: ['**/*.ts', '**/*.tsx'],
  ignores: TEST_GLOBS,
  rules: {
    'no-restricted-syntax': [
      'error',
      ...['TSAsExpression', 'TSTypeAssertion'].flatMap((node) =>
        ['never', 'any'].map((type) => ({
          selector: `${node} > TS${type[0].toUpperCase()}${type.slice(1)}Keyword.typeAnnotation`,
          message: `${node === 'TSAsExpression' ? `\`as ${type}\`` : `\`<${type}>\``} ${ASSERTION}`,
        })),
      ),
    ],
  },
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/.next/**',
      '**/generated/**',
      '.data/**',
      '.lab/**',
      'test-results/**',
      'playwright-report/**',
      'apps/web/next-env.d.ts',
      'apps/lab/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
      ...restricted(ownedBy(null)),
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  ...importRules,
  ...pureGlobals,
  typeAssertions,
  {
    // the wire contract the browser imports: zod and types only, so a client
    // component importing it never pulls Prisma, BullMQ or Node into its bundle
    files: ['apps/web/src/api/**'],
    rules: restricted([
      ...ownedBy(null),
      {
        regex: '^(@vzferry/(?!core/(settings|access|safe-text)$)|@/|node:)',
        allowTypeImports: true,
        message:
          'apps/web/src/api is imported by the browser: zod, ./wire, @vzferry/core/settings, /access and /safe-text only (types may come from anywhere)',
      },
    ]),
  },
  {
    // client components (every .tsx but the server's pages and layouts): the API's answers are typed by @/api
    files: ['apps/web/src/app/**/*.tsx', 'apps/web/src/components/**', 'apps/web/src/lib/**'],
    ignores: ['**/page.tsx', '**/layout.tsx'],
    rules: restricted([
      ...ownedBy(null),
      {
        regex: '^(@vzferry/|@/server/|node:)',
        message: 'client code takes the API types from @/api, never from server packages',
      },
    ]),
  },
  {
    files: ['apps/web/**/*.tsx', 'apps/web/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: { ...reactHooks.configs.recommended.rules },
  },
);
