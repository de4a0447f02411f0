// The boot ISO's initramfs: the host's static busybox with its applet links,
// the host's rsync with the libraries it links (a staged cutover pulls the
// changes from the converter box with it; busybox has no rsync),
// init.sh as /init, the udhcpc script, and the kernel modules of modules.ts
// (decompressed: busybox's modprobe loads plain .ko only) indexed by depmod.
// Packed as sorted newc cpio with fixed owners and mtimes, gzip without a
// name or time, so the same inputs give the same bytes.
import { chmod, copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Executor } from '@vzferry/core';
import { parseLddPaths } from './ldd';
import { BOOT_MODULES, parseModuleIndex, planModules } from './modules';
import { fixMtimes, listTree } from './reproducible-tree';

const BUSYBOX = '/bin/busybox';
const RSYNC = '/usr/bin/rsync';
const HERE = import.meta.dirname;

export interface KernelTree {
  version: string;
  /** .../lib/modules/<version> of the unpacked kernel package */
  modulesDir: string;
}

/** Writes the gzipped cpio to `out`; `work` is an empty scratch directory. Returns the module load order. */
export async function buildInitramfs(
  x: Executor,
  opts: { kernel: KernelTree; work: string; out: string; epoch: number },
): Promise<string[]> {
  const root = path.join(opts.work, 'root');
  for (const d of [
    'bin',
    'sbin',
    'usr/bin',
    'usr/sbin',
    'dev',
    'proc',
    'sys',
    'tmp',
    'run',
    'root',
    'mnt/guest',
    'etc/vzferry-boot',
  ]) {
    await mkdir(path.join(root, d), { recursive: true });
  }
  await addBusybox(x, root);
  await addDynamicProgram(x, root, RSYNC, 'rsync');
  await installFile(path.join(HERE, 'init.sh'), path.join(root, 'init'), 0o755);
  await installFile(path.join(HERE, 'appliance.sh'), path.join(root, 'appliance.sh'), 0o755);
  await installFile(path.join(HERE, 'udhcpc.sh'), path.join(root, 'etc/udhcpc.script'), 0o755);
  const load = await addModules(x, opts.kernel, root);
  await writeFile(path.join(root, 'etc/vzferry-boot/modules'), load.join('\n') + '\n');
  await fixMtimes(root, opts.epoch);
  const cpio = path.join(opts.work, 'initrd.cpio');
  const files = (await listTree(root)).join('\n') + '\n';
  await x.exec(['cpio', '--quiet', '-o', '-H', 'newc', '--reproducible', '-R', '0:0', '-O', cpio], {
    cwd: root,
    stdin: files,
  });
  await x.exec(['gzip', '-n', '-9', cpio]);
  await copyFile(`${cpio}.gz`, opts.out);
  return load;
}

async function addBusybox(x: Executor, root: string): Promise<void> {
  // the initramfs has no libc: a dynamic busybox would not even start as /init
  const ldd = await x.exec(['ldd', BUSYBOX], { allowExitCodes: [0, 1] }).catch(() => null);
  const text = ldd ? ldd.stdout + ldd.stderr : '';
  if (!/not a dynamic executable|statically linked/.test(text)) {
    throw new Error(
      `${BUSYBOX} is missing or not statically linked (${text.trim() || 'no ldd'}); install busybox-static (apt-get install busybox-static)`,
    );
  }
  await installFile(BUSYBOX, path.join(root, 'bin/busybox'), 0o755);
  const { stdout } = await x.exec([BUSYBOX, '--list-full']);
  for (const applet of stdout.split('\n').map((l) => l.trim())) {
    // linuxrc is for initrds of old; our /init is init.sh
    if (!applet || applet === 'linuxrc' || applet === 'bin/busybox') continue;
    const at = path.join(root, applet);
    if (existsSync(at)) continue;
    await mkdir(path.dirname(at), { recursive: true });
    await symlink('/bin/busybox', at);
  }
}

/** A dynamically linked program at the same path, with every library ldd names (the loader too). */
async function addDynamicProgram(x: Executor, root: string, program: string, pkg: string): Promise<void> {
  const ldd = await x.exec(['ldd', program], { allowExitCodes: [0, 1] }).catch(() => null);
  const libs = ldd?.code === 0 ? parseLddPaths(ldd.stdout) : [];
  if (libs.length === 0)
    throw new Error(`${program} is missing or has no libraries ldd can name; install ${pkg} (apt-get install ${pkg})`);
  for (const file of [program, ...libs]) {
    const to = path.join(root, file);
    await mkdir(path.dirname(to), { recursive: true });
    // copyFile follows a library's symlinks: the file under its linked name
    await installFile(file, to, 0o755);
  }
}

async function addModules(x: Executor, kernel: KernelTree, root: string): Promise<string[]> {
  const src = kernel.modulesDir;
  // the package ships no modules.dep (its postinst runs depmod): make one
  if (!existsSync(path.join(src, 'modules.dep'))) {
    await x.exec(['depmod', '-b', path.resolve(src, '../../..'), kernel.version]);
  }
  const read = (f: string) => readFile(path.join(src, f), 'utf8').catch(() => '');
  const index = parseModuleIndex({
    dep: await read('modules.dep'),
    softdep: await read('modules.softdep'),
    alias: await read('modules.alias'),
    builtin: await read('modules.builtin'),
  });
  const plan = planModules(index, BOOT_MODULES);
  const dst = path.join(root, 'lib/modules', kernel.version);
  for (const file of plan.files) {
    const to = path.join(dst, file);
    await mkdir(path.dirname(to), { recursive: true });
    await copyFile(path.join(src, file), to);
    await decompress(x, to);
  }
  // modprobe of a built-in driver is then a no-op, not an error
  if (existsSync(path.join(src, 'modules.builtin')))
    await copyFile(path.join(src, 'modules.builtin'), path.join(dst, 'modules.builtin'));
  // -b: index our tree, not the running kernel's
  await x.exec(['depmod', '-b', root, kernel.version]);
  return plan.load;
}

/** foo.ko.xz -> foo.ko in place (Debian's newer kernels compress their modules) */
async function decompress(x: Executor, file: string): Promise<void> {
  if (file.endsWith('.xz')) await x.exec(['xz', '-d', '-q', file]);
  else if (file.endsWith('.zst')) await x.exec(['zstd', '-d', '-q', '--rm', file]);
  else if (file.endsWith('.gz')) await x.exec(['gzip', '-d', file]);
}

async function installFile(from: string, to: string, mode: number): Promise<void> {
  await copyFile(from, to);
  await chmod(to, mode);
}
