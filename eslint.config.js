// Lint rules, including the project's dependency rules from STYLE.md: only
// packages/db imports Prisma, only packages/ssh imports ssh2, only
// packages/queue imports BullMQ, and packages/core imports nothing of ours.
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const only = (pkg, owner) => ({
  group: [pkg, `${pkg}/*`],
  message: `only ${owner} imports ${pkg} (STYLE.md, "One place per dependency")`,
});

const restricted = (...patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
});

const PRISMA = [only('@prisma/client', 'packages/db'), only('@prisma/adapter-pg', 'packages/db'), only('pg', 'packages/db')];
const SSH2 = [only('ssh2', 'packages/ssh')];
const BULLMQ = [only('bullmq', 'packages/queue'), only('ioredis', 'packages/queue')];

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
      ...restricted(...PRISMA, ...SSH2, ...BULLMQ),
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['packages/db/**'], rules: restricted(...SSH2, ...BULLMQ) },
  { files: ['packages/ssh/**'], rules: restricted(...PRISMA, ...BULLMQ) },
  { files: ['packages/queue/**'], rules: restricted(...PRISMA, ...SSH2) },
  {
    files: ['packages/core/**'],
    rules: restricted(...PRISMA, ...SSH2, ...BULLMQ, { group: ['@vzferry/*'], message: 'packages/core depends on nothing of ours' }),
  },
  {
    // the wire contract the browser imports: zod and types only, so a client
    // component importing it never pulls Prisma, BullMQ or Node into its bundle
    files: ['apps/web/src/api/**'],
    rules: restricted(...PRISMA, ...SSH2, ...BULLMQ, {
      regex: '^(@vzferry/(?!core/settings$)|@/|node:)',
      allowTypeImports: true,
      message: 'apps/web/src/api is imported by the browser: zod, ./wire and @vzferry/core/settings only (types may come from anywhere)',
    }),
  },
  {
    // client components (every .tsx but the server's pages and layouts): the API's answers are typed by @/api
    files: ['apps/web/src/app/**/*.tsx', 'apps/web/src/components/**', 'apps/web/src/lib/**'],
    ignores: ['**/page.tsx', '**/layout.tsx'],
    rules: restricted(...PRISMA, ...SSH2, ...BULLMQ, {
      regex: '^(@vzferry/|@/server/|node:)',
      message: 'client code takes the API types from @/api, never from server packages',
    }),
  },
  {
    files: ['apps/web/**/*.tsx', 'apps/web/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: { ...reactHooks.configs.recommended.rules },
  },
);
