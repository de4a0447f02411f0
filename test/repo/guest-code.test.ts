// Guest code runs only inside a VM (docs/architecture.md, "Trust"): nothing
// the converter box or the web app runs may enter a guest's tree with
// chroot (or nspawn, nsenter, unshare into it), since the guest's binaries
// would then run on the box with its /proc, network and environment. The
// guest's binaries go through a GuestRunner (the appliance VM). The lab is
// not the box: its vzctl exec is a hypervisor's, into its own containers.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** where the box's and the web app's code lives */
const SCANNED = ['packages', 'apps/worker/src', 'apps/web/src'];
/** a string literal naming a tool that runs a program inside another root */
const ENTERS_ROOT = /['"`](chroot|systemd-nspawn|nsenter|unshare|proot|fakechroot)['"`\s]/;

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return ['node_modules', 'generated', 'test'].includes(e.name) ? [] : sources(rel);
    return /\.(ts|tsx|js|mjs)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

/** file:line of every line that names such a tool as a string */
export function rootEntries(files: string[], read: (f: string) => string): string[] {
  return files.flatMap((f) =>
    read(f)
      .split('\n')
      .flatMap((line, i) =>
        ENTERS_ROOT.test(line) && !/^\s*(\/\/|\*)/.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [],
      ),
  );
}

describe('guest code', () => {
  it('is never run on the box through chroot, nspawn, nsenter or unshare', () => {
    const files = SCANNED.flatMap(sources);
    expect(files.length).toBeGreaterThan(100);
    expect(rootEntries(files, (f) => readFileSync(path.join(ROOT, f), 'utf8'))).toEqual([]);
  });

  it('the check finds the ways such a call is written', () => {
    const code: Record<string, string> = {
      'a.ts': "await x.exec(['chroot', root, ...argv]);",
      'b.ts': 'spawn("unshare", ["--mount", "--", "/bin/sh"]);',
      'c.ts': 'const cmd = `chroot ${root} dpkg-query -W`;',
      'd.ts': '// a comment that mentions the word chroot is fine',
    };
    expect(rootEntries(Object.keys(code), (f) => code[f]!).map((l) => l.split(':')[0])).toEqual([
      'a.ts',
      'b.ts',
      'c.ts',
    ]);
  });
});
