// The rules of `npm run lint` bite: the real checkers with the repository's
// real configs (dependency-cruiser's .dependency-cruiser.js, eslint.config.js,
// prettier.config.js and .prettierignore) reject each kind of violation with
// a recognisable message, and pass a clean fixture. dependency-cruiser runs on
// small workspace trees written to a temp dir (with their node_modules links,
// as npm makes them); ESLint and Prettier check source text under a path of
// this repository without writing it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import * as prettier from 'prettier';
import tseslint from 'typescript-eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

type Tree = Record<string, string>;

const manifest = (
  name: string,
  deps: string[] = [],
  devDeps: string[] = [],
  exports: Record<string, string> | null = { '.': './src/index.ts' },
) =>
  JSON.stringify({
    name,
    private: true,
    type: 'module',
    ...(exports ? { exports } : {}),
    dependencies: Object.fromEntries(deps.map((d) => [d, '*'])),
    devDependencies: Object.fromEntries(devDeps.map((d) => [d, '*'])),
  });

/** A small copy of the repository's layout that breaks no rule. */
function cleanTree(): Tree {
  return {
    'package.json': JSON.stringify({ name: 'fixture', private: true, workspaces: ['packages/*', 'apps/*'] }),
    'packages/core/package.json': manifest('@vzferry/core'),
    'packages/core/src/index.ts': 'export const answer = 42;\n',
    'packages/pipeline/package.json': manifest('@vzferry/pipeline', ['@vzferry/core']),
    'packages/pipeline/src/index.ts': "import { answer } from '@vzferry/core';\nexport const plan = answer + 1;\n",
    'packages/db/package.json': manifest('@vzferry/db', ['@vzferry/core', '@vzferry/pipeline'], [], {
      '.': './src/index.ts',
      './testing': './src/testing.ts',
    }),
    'packages/db/src/index.ts':
      "import { PrismaClient } from '@prisma/client';\nimport { answer } from '@vzferry/core';\n" +
      "import { plan } from '@vzferry/pipeline';\nexport const db = { client: PrismaClient, answer, plan };\n",
    'packages/db/src/testing.ts': "import { db } from './index';\nexport const testDb = db;\n",
    'apps/lab/package.json': manifest('@vzferry/lab', ['@vzferry/core'], [], {
      '.': './src/index.ts',
      './manifest': './src/manifest.ts',
    }),
    'apps/lab/src/index.ts': "export { labManifest } from './manifest';\n",
    'apps/lab/src/manifest.ts': "import { answer } from '@vzferry/core';\nexport const labManifest = { answer };\n",
    'apps/web/package.json': manifest('@vzferry/web', ['@vzferry/core', '@vzferry/db'], [], null),
    'apps/web/src/app/page.ts':
      "import { db } from '@vzferry/db';\nimport { title } from '@/server/title';\nexport const page = { db, title };\n",
    'apps/web/src/server/title.ts': "export const title = 'fixture';\n",
    'apps/worker/package.json': manifest('@vzferry/worker', ['@vzferry/core', '@vzferry/db'], ['@vzferry/lab']),
    'apps/worker/src/index.ts': "import { db } from '@vzferry/db';\nexport const worker = db;\n",
    // an app's tests may use another app that is a declared devDependency
    'apps/worker/test/lab.test.ts':
      "import { testDb } from '@vzferry/db/testing';\nimport { labManifest } from '@vzferry/lab/manifest';\n" +
      'export const used = { testDb, labManifest };\n',
    'node_modules/@prisma/client/package.json': JSON.stringify({ name: '@prisma/client', main: 'index.js' }),
    'node_modules/@prisma/client/index.js': 'exports.PrismaClient = class PrismaClient {};\n',
  };
}

const WORKSPACES = ['core', 'pipeline', 'db']
  .map((p) => `packages/${p}`)
  .concat(['lab', 'web', 'worker'].map((a) => `apps/${a}`));

function writeTree(dir: string, tree: Tree) {
  for (const [file, text] of Object.entries(tree)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  mkdirSync(path.join(dir, 'node_modules/@vzferry'), { recursive: true });
  for (const ws of WORKSPACES)
    symlinkSync(path.join('../..', ws), path.join(dir, 'node_modules/@vzferry', path.basename(ws)), 'dir');
}

interface Violation {
  rule: string;
  from: string;
  to: string;
  comment: string;
}
interface Cruise {
  /** the error count: the exit code of depcruise's err reporters (`npm run lint`) */
  errors: number;
  violations: Violation[];
  /** every resolved import: "from -> to" */
  edges: string[];
}

interface CruiseJson {
  modules: { source: string; dependencies: { resolved: string }[] }[];
  summary: {
    error: number;
    violations: { rule: { name: string }; from: string; to: string }[];
    ruleSetUsed: { forbidden: { name: string; comment: string }[] };
  };
}

/** dependency-cruiser's CLI with the repository's config, in a fixture tree. */
function cruise(dir: string): Promise<Cruise> {
  return new Promise((resolve, reject) => {
    const folders = ['apps', 'packages', 'bench'].filter((f) => existsSync(path.join(dir, f)));
    const args = ['--config', path.join(ROOT, '.dependency-cruiser.js'), '--output-type', 'json', ...folders];
    const child = spawn(path.join(ROOT, 'node_modules/.bin/depcruise'), args, { cwd: dir });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const result = JSON.parse(out) as CruiseJson;
        const comments = new Map(result.summary.ruleSetUsed.forbidden.map((r) => [r.name, r.comment]));
        resolve({
          errors: result.summary.error,
          violations: result.summary.violations.map((v) => ({
            rule: v.rule.name,
            from: v.from,
            to: v.to,
            comment: comments.get(v.rule.name) ?? '',
          })),
          edges: result.modules.flatMap((m) => m.dependencies.map((d) => `${m.source} -> ${d.resolved}`)),
        });
      } catch {
        reject(new Error(`depcruise in ${dir} exited ${code}: ${err || out}`));
      }
    });
  });
}

// One process per tree: the violations of `broken` lie in different files and
// are told apart by the file they come from; the two cycles need trees of
// their own.
const TREES: Record<string, (tree: Tree) => void> = {
  clean: () => {},
  broken: (t) => {
    // Prisma outside packages/db
    t['packages/pipeline/src/store.ts'] =
      "import { PrismaClient } from '@prisma/client';\nexport const store = PrismaClient;\n";
    // a package importing an app (declared, so only the layer rule speaks)
    t['packages/pipeline/package.json'] = manifest('@vzferry/pipeline', ['@vzferry/core', '@vzferry/lab']);
    t['packages/pipeline/src/lab.ts'] =
      "import { labManifest } from '@vzferry/lab';\nexport const lab = labManifest;\n";
    // packages/core doing I/O
    t['packages/core/src/read.ts'] = "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n";
    // a workspace that apps/web does not declare
    t['apps/web/src/app/plan.ts'] = "import { plan } from '@vzferry/pipeline';\nexport const shown = plan;\n";
    // apps/worker has @vzferry/lab as a devDependency: its tests may use it, its source may not
    t['apps/worker/src/lab.ts'] =
      "import { labManifest } from '@vzferry/lab/manifest';\nexport const lab = labManifest;\n";
    // a relative path into another workspace's source
    t['apps/worker/src/title.ts'] =
      "import { title } from '../../web/src/server/title';\nexport const shown = title;\n";
    // code at the root reaching into a workspace's source instead of its package exports
    t['bench/measure.ts'] = "import { db } from '../packages/db/src/index';\nexport const measured = db;\n";
  },
  // db <-> pipeline, through their index files
  'file cycle': (t) => {
    t['packages/pipeline/package.json'] = manifest('@vzferry/pipeline', ['@vzferry/core', '@vzferry/db']);
    t['packages/pipeline/src/index.ts'] =
      "import { answer } from '@vzferry/core';\nimport { db } from '@vzferry/db';\nexport const plan = answer + 1;\nexport const again = () => db;\n";
  },
  // db/index -> pipeline/index and pipeline/uses-db -> db/index: no cycle of files, still one of packages
  'package cycle': (t) => {
    t['packages/pipeline/package.json'] = manifest('@vzferry/pipeline', ['@vzferry/core', '@vzferry/db']);
    t['packages/pipeline/src/uses-db.ts'] = "import { db } from '@vzferry/db';\nexport const usesDb = db;\n";
  },
};

describe('dependency-cruiser with .dependency-cruiser.js', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'vzferry-lint-rules-'));
  const results = new Map<string, Cruise>();

  beforeAll(async () => {
    await Promise.all(
      Object.entries(TREES).map(async ([name, edit]) => {
        const tree = cleanTree();
        edit(tree);
        const dir = path.join(base, name.replace(/ /g, '-'));
        writeTree(dir, tree);
        results.set(name, await cruise(dir));
      }),
    );
  }, 60_000);
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const rules = (tree: string, from?: string) =>
    [
      ...new Set(
        results
          .get(tree)!
          .violations.filter((v) => !from || v.from === from)
          .map((v) => v.rule),
      ),
    ].sort();
  const violation = (tree: string, rule: string, from?: string) =>
    results.get(tree)!.violations.find((v) => v.rule === rule && (!from || v.from === from));

  it('passes the clean tree, having resolved @vzferry/* (with subpath exports) and @/', () => {
    const clean = results.get('clean')!;
    expect(clean.violations).toEqual([]);
    expect(clean.errors).toBe(0);
    expect(clean.edges).toEqual(
      expect.arrayContaining([
        'apps/web/src/app/page.ts -> packages/db/src/index.ts',
        'apps/web/src/app/page.ts -> apps/web/src/server/title.ts',
        'apps/worker/test/lab.test.ts -> packages/db/src/testing.ts',
        'apps/worker/test/lab.test.ts -> apps/lab/src/manifest.ts',
        'packages/db/src/index.ts -> packages/pipeline/src/index.ts',
      ]),
    );
  });

  it('rejects a cycle between two packages', () => {
    expect(results.get('file cycle')!.errors).toBeGreaterThan(0);
    expect(rules('file cycle')).toEqual([
      'no-circular',
      'no-circular-packages:packages/db->packages/pipeline',
      'no-circular-packages:packages/pipeline->packages/db',
    ]);
    expect(violation('file cycle', 'no-circular')!.comment).toMatch(/an import cycle between files/);
    expect(rules('package cycle')).toEqual([
      'no-circular-packages:packages/db->packages/pipeline',
      'no-circular-packages:packages/pipeline->packages/db',
    ]);
    expect(violation('package cycle', 'no-circular-packages:packages/pipeline->packages/db')).toMatchObject({
      from: 'packages/pipeline/src/uses-db.ts',
      to: 'packages/db/src/index.ts',
      comment: expect.stringMatching(
        /cycle between workspaces: packages\/pipeline -> packages\/db -> packages\/pipeline/,
      ),
    });
  });

  it('rejects a Prisma import outside packages/db', () => {
    expect(rules('broken', 'packages/pipeline/src/store.ts')).toEqual(['only-packages-db-imports-prisma']);
    expect(violation('broken', 'only-packages-db-imports-prisma')!.comment).toMatch(
      /^only packages\/db imports Prisma/,
    );
  });

  it('rejects a package importing an app', () => {
    expect(rules('broken', 'packages/pipeline/src/lab.ts')).toEqual(['package-imports-app']);
    expect(violation('broken', 'package-imports-app')).toMatchObject({
      to: 'apps/lab/src/index.ts',
      comment: expect.stringMatching(/a package never imports an app/),
    });
  });

  it('rejects packages/core importing node:fs', () => {
    expect(rules('broken', 'packages/core/src/read.ts')).toEqual(['no-io-in-packages-core']);
    expect(violation('broken', 'no-io-in-packages-core')!.comment).toMatch(/packages\/core does no I\/O/);
  });

  it('rejects imports of workspaces that the package.json does not declare, or by a relative path', () => {
    expect(rules('broken', 'apps/web/src/app/plan.ts')).toEqual(['undeclared-dep:apps/web']);
    expect(rules('broken', 'apps/worker/src/lab.ts')).toEqual(['undeclared-dep:apps/worker']);
    expect(violation('broken', 'undeclared-dep:apps/worker')!.comment).toMatch(
      /apps\/worker imports only the workspaces its package.json declares \(packages\/core, packages\/db\)/,
    );
    expect(rules('broken', 'apps/worker/src/title.ts')).toEqual([
      'relative-import-into-another-workspace',
      'undeclared-dep:apps/worker',
    ]);
    // and nothing else in the tree is reported
    expect(new Set(results.get('broken')!.violations.map((v) => v.from))).toEqual(
      new Set([
        'packages/pipeline/src/store.ts',
        'packages/pipeline/src/lab.ts',
        'packages/core/src/read.ts',
        'apps/web/src/app/plan.ts',
        'apps/worker/src/lab.ts',
        'apps/worker/src/title.ts',
        'bench/measure.ts',
      ]),
    );
    expect(rules('broken', 'bench/measure.ts')).toEqual(['root-code-reaches-into-a-workspace']);
  });
});

describe('ESLint with eslint.config.js', () => {
  // The fixtures are not on disk, so the type-aware rules are off for them;
  // every rule asserted here is syntactic.
  const eslint = new ESLint({ cwd: ROOT, overrideConfig: tseslint.configs.disableTypeChecked });
  const lint = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
    return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
  };

  it('rejects `as never`, `as any` and <any> outside tests, and allows them in tests', async () => {
    const code =
      'export const a = JSON.parse("1") as never;\nexport const b = JSON.parse("1") as any;\nexport const c = <any>JSON.parse("1");\n';
    const messages = await lint('packages/ssh/src/lint-fixture.ts', code);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^no-restricted-syntax: `as never` is a type assertion that turns checking off/),
        expect.stringMatching(/^no-restricted-syntax: `as any` is a type assertion/),
        expect.stringMatching(/^no-restricted-syntax: `<any>` is a type assertion/),
      ]),
    );
    expect(await lint('bench/lint-fixture.ts', code)).toEqual(
      expect.arrayContaining([expect.stringMatching(/`as never`/)]),
    );
    const inTests = await lint(
      'packages/ssh/test/lint-fixture.test.ts',
      'export const a = JSON.parse("1") as never;\n',
    );
    expect(inTests).toEqual([]);
  });

  it('rejects Prisma outside packages/db and I/O in packages/core', async () => {
    expect(
      await lint(
        'packages/cloudstack/src/lint-fixture.ts',
        "import { PrismaClient } from '@prisma/client';\nexport const c = PrismaClient;\n",
      ),
    ).toEqual([
      expect.stringMatching(
        /^@typescript-eslint\/no-restricted-imports: '@prisma\/client' .* only packages\/db imports Prisma/,
      ),
    ]);
    const core = await lint(
      'packages/core/src/lint-fixture.ts',
      "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\nexport const e = process.env;\n",
    );
    expect(core).toEqual([
      expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: 'node:fs' .* packages\/core does no I\/O/),
      expect.stringMatching(/^no-restricted-globals: Unexpected use of 'process'/),
    ]);
  });

  it('passes clean source', async () => {
    expect(
      await lint('packages/ssh/src/lint-fixture.ts', 'export const n: number = Number(JSON.parse("1"));\n'),
    ).toEqual([]);
  });
});

describe('Prettier with prettier.config.js and .prettierignore', () => {
  const ignorePath = [path.join(ROOT, '.gitignore'), path.join(ROOT, '.prettierignore')];
  const check = async (file: string, code: string) =>
    prettier.check(code, { ...(await prettier.resolveConfig(path.join(ROOT, file))), filepath: path.join(ROOT, file) });

  it('rejects an unformatted file and passes a formatted one', async () => {
    expect(await check('packages/ssh/src/fixture.ts', 'export const a = {b:"c"}\n')).toBe(false);
    expect(await check('packages/ssh/src/fixture.ts', "export const a = { b: 'c' };\n")).toBe(true);
    // 120 columns, trailing commas
    const long = `export const list = [${Array.from({ length: 12 }, (_, i) => `'item-${i}'`).join(', ')}];\n`;
    expect(long.length).toBeGreaterThan(121);
    expect(await check('packages/ssh/src/fixture.ts', long)).toBe(false);
  });

  it('leaves alone the files whose bytes matter', async () => {
    const ignored = async (file: string) => (await prettier.getFileInfo(path.join(ROOT, file), { ignorePath })).ignored;
    for (const file of [
      'apps/worker/src/boot-iso/init.sh',
      'scripts/test.sh',
      'packages/guest/test/golden/debian-12/two-nics.plan',
      'packages/guest/test/fixtures/centos-7/etc/sysconfig/network-scripts/ifcfg-eth0',
      'packages/guest/test/fixtures/debian-12/etc/fixture.json',
      'packages/db/src/generated/prisma/client.ts',
      'prisma/migrations/20261124000000_init/migration.sql',
      'package-lock.json',
      'test/samples/openvz/vzlist-a-j.jsonc',
    ]) {
      expect(await ignored(file), file).toBe(true);
    }
    expect(await ignored('packages/core/src/cidr.ts')).toBe(false);
    expect(await ignored('package.json')).toBe(false);
  });
});
