// Which kernel modules go into the boot ISO's initramfs and in which order
// /init loads them: the drivers a CloudStack VM of any OS type may have (IDE,
// SATA/AHCI, virtio, e1000, rtl8139), ext4 for the guest's file system, and
// all they depend on. Pure: it reads the text of depmod's files.
//
// Softdeps matter here: ext4 and jbd2 say "softdep ... pre: crypto-crc32c"
// and cannot mount a file system with metadata_csum without it, but busybox's
// modprobe reads only modules.dep. So the softdeps are resolved here (through
// modules.alias, as kmod's modprobe does) and listed before their module.

/** the drivers /init loads, by module name (modprobe's spelling) */
export const BOOT_MODULES = [
  'ata_piix',
  'ata_generic',
  'ahci',
  'sd_mod',
  'virtio_pci',
  'virtio_blk',
  'virtio_scsi',
  'virtio_net',
  'e1000',
  '8139cp',
  'ext4',
] as const;

export interface ModuleIndex {
  /** module name -> its file (relative to lib/modules/<version>) and the files it depends on */
  modules: Map<string, { file: string; deps: string[] }>;
  /** module name -> names or aliases to load before it */
  softPre: Map<string, string[]>;
  /** alias -> module names */
  aliases: Map<string, string[]>;
  builtin: Set<string>;
}

export interface ModulePlan {
  /** files to copy, relative to lib/modules/<version>, sorted */
  files: string[];
  /** module names in an order where every module follows what it needs */
  load: string[];
}

/** "kernel/fs/ext4/ext4.ko.xz" -> "ext4"; "crc32c-intel.ko" -> "crc32c_intel" (modprobe treats - and _ alike) */
export function moduleName(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  return base.replace(/\.ko(\.(xz|zst|gz))?$/, '').replaceAll('-', '_');
}

export function parseModuleIndex(text: {
  dep: string;
  softdep?: string;
  alias?: string;
  builtin?: string;
}): ModuleIndex {
  const modules = new Map<string, { file: string; deps: string[] }>();
  for (const line of lines(text.dep)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const file = line.slice(0, colon);
    modules.set(moduleName(file), {
      file,
      deps: line
        .slice(colon + 1)
        .split(/\s+/)
        .filter(Boolean),
    });
  }
  const softPre = new Map<string, string[]>();
  for (const line of lines(text.softdep ?? '')) {
    // softdep <module> pre: <a> <b> post: <c>
    const m = /^softdep\s+(\S+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const pre = /pre:\s*(.*?)(?:\s+post:.*)?$/.exec(m[2]!);
    if (pre?.[1]) softPre.set(m[1]!.replaceAll('-', '_'), pre[1].split(/\s+/).filter(Boolean));
  }
  const aliases = new Map<string, string[]>();
  for (const line of lines(text.alias ?? '')) {
    const m = /^alias\s+(\S+)\s+(\S+)$/.exec(line);
    if (m) aliases.set(m[1]!, [...(aliases.get(m[1]!) ?? []), m[2]!.replaceAll('-', '_')]);
  }
  const builtin = new Set(lines(text.builtin ?? '').map(moduleName));
  return { modules, softPre, aliases, builtin };
}

/**
 * The closure of `wanted`. A wanted module that is built into the kernel needs
 * nothing; one that is neither a module nor built in is an error (a kernel
 * without a disk or network driver would boot and find nothing).
 */
export function planModules(index: ModuleIndex, wanted: readonly string[]): ModulePlan {
  const load: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const mod = index.modules.get(name);
    if (!mod) return;
    for (const soft of index.softPre.get(name) ?? []) resolveSoft(index, soft).forEach(visit);
    // modules.dep lists the whole closure, the deepest last: load from the end
    for (const dep of [...mod.deps].reverse()) visit(moduleName(dep));
    load.push(name);
  };
  for (const raw of wanted) {
    const name = raw.replaceAll('-', '_');
    if (!index.modules.has(name) && !index.builtin.has(name))
      throw new Error(`kernel module ${raw} is neither in modules.dep nor built into the kernel`);
    visit(name);
  }
  const files = load.map((name) => index.modules.get(name)!.file).sort();
  return { files, load };
}

/** a softdep names a module or an alias ("crypto-crc32c": crc32c_generic and, where the CPU has SSE4.2, crc32c_intel) */
function resolveSoft(index: ModuleIndex, soft: string): string[] {
  const name = soft.replaceAll('-', '_');
  if (index.modules.has(name)) return [name];
  return (index.aliases.get(soft) ?? []).filter((n) => index.modules.has(n)).sort();
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}
