// The hostile container: a customer who has had root in their container for
// years and wants the converter box (issue 12, "Untrusted guests"). Its tree
// is a synthetic Debian 7 guest (sysvinit: its inittab is read and
// rewritten) with, on every path the conversion reads or writes, a link out
// of the guest into a canary directory of the machine the lab runs on:
//
//   /root/vzferry-backup  -> <canary>/backup          the backup folder
//   /etc/network          -> <canary>/network         a directory in the middle of a path
//   /etc/default/grub     -> ../../(...)<canary>/default-grub   relative, climbing past the root
//   /etc/rc.local         -> <canary>/rc.local        a file written in place
//   /root/vzferry-boot    -> <canary>/boot-callback   the boot ISO's call-back folder
//   /proc /sys /dev /run  -> <canary>/<same>          the chroot's mount points
//
// The canary is a directory a test (or the lab, for the demo) makes; links
// never aim at a real host file, so a test that fails harms nothing. Inside
// the container those links lead to the guest's own files at the same path
// (present here), as they would for the customer. Also: a setuid copy of
// busybox, device nodes (mem, a disk), a 2 MiB single-line /etc/inittab, and
// hooks where a conversion's tools run them (kernel postinst.d, initramfs
// hooks, grub.d) that try every /proc/<pid>/root and dump their environment
// and network into /var/tmp/vzferry-hostile/ in the guest.
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** where the hooks write what they saw, inside the guest */
export const HOSTILE_REPORT_DIR = '/var/tmp/vzferry-hostile';
/** the single line of /etc/inittab: more than 2 MiB */
export const HOSTILE_INITTAB_BYTES = 2 * 1024 * 1024 + 1;

/** The links of the tree: guest path -> target, with `C` standing for the canary directory. */
export function hostileLinks(canary: string): Record<string, string> {
  const climb = '../'.repeat(12);
  return {
    'root/vzferry-backup': `${canary}/backup`,
    'etc/network': `${canary}/network`,
    'etc/default/grub': `${climb}${canary.slice(1)}/default-grub`,
    'etc/rc.local': `${canary}/rc.local`,
    'root/vzferry-boot': `${canary}/boot-callback`,
    proc: `${canary}/proc`,
    sys: `${canary}/sys`,
    dev: `${canary}/dev`,
    run: `${canary}/run`,
  };
}

/** The canary's files: what a migration must leave byte for byte as they are. */
export const CANARY_FILES: Record<string, string> = {
  README: 'vzferry lab canary: the hostile container links here; nothing may change this directory\n',
  'backup/README': 'canary: the backup folder must not land here\n',
  'network/interfaces': 'canary: the host network config\n',
  'default-grub': 'canary: the host grub defaults\n',
  'rc.local': 'canary: the host rc.local\n',
  'boot-callback/README': 'canary: the call-back token must not land here\n',
  'proc/README': 'canary: nothing may be mounted here\n',
  'sys/README': 'canary: nothing may be mounted here\n',
  'dev/README': 'canary: nothing may be mounted here\n',
  'run/README': 'canary: nothing may be mounted here\n',
};

/** Makes the canary directory (the test's, or the demo lab's own); existing files are left as they are. */
export function makeHostileCanary(canary: string): void {
  for (const [rel, content] of Object.entries(CANARY_FILES)) {
    const file = path.join(canary, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    if (!existsSync(file)) writeFileSync(file, content, { flag: 'wx' }); // an existing canary stays byte for byte
  }
}

/** What the guest itself finds where its file links lead (inside the container, the links resolve there). */
const OWN_FILES: Record<string, string> = {
  'etc/default/grub': 'GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX=""\n',
  'etc/rc.local': "#!/bin/sh -e\n# the customer's own rc.local\nexit 0\n",
};

/**
 * Turns the synthetic guest already written at `root` into the hostile one:
 * each linked path's own content moves to where the link leads inside the
 * guest, then the link takes its place.
 */
export function makeGuestHostile(root: string, busybox: string, canary: string): void {
  for (const [rel, target] of Object.entries(hostileLinks(canary))) {
    const here = path.join(root, rel);
    // where the link leads for the guest: its own root is "/", ".." stops there
    const there = path.join(root, path.posix.resolve('/', path.posix.dirname(rel), target));
    mkdirSync(path.dirname(there), { recursive: true });
    if (existsSync(here)) renameSync(here, there);
    else if (OWN_FILES[rel]) writeFileSync(there, OWN_FILES[rel]);
    mkdirSync(path.dirname(here), { recursive: true });
    symlinkSync(target, here);
  }
  writeFileSync(path.join(root, 'etc/inittab'), inittabLine());
  writeHooks(root, canary);
  // a setuid shell: a copy (the hard-linked busybox is the host's own inode)
  const suid = path.join(root, 'usr/local/bin/suid-busybox');
  mkdirSync(path.dirname(suid), { recursive: true });
  copyFileSync(busybox, suid);
  chmodSync(suid, 0o4755);
  // device nodes: /dev/mem and a whole disk, where the converter box could open them
  const devs = path.join(root, 'var/lib/hostile/dev');
  mkdirSync(devs, { recursive: true });
  execFileSync('mknod', ['-m', '0666', path.join(devs, 'mem'), 'c', '1', '1']);
  execFileSync('mknod', ['-m', '0666', path.join(devs, 'sda'), 'b', '8', '0']);
}

const ESCAPE = '/usr/local/lib/vzferry-hostile/escape.sh';

/**
 * What every hook runs: it records who ran it, its environment, what each
 * /proc/<pid>/root shows (the host's / if the guest's code runs on the host
 * with the host's /proc: then it finds the canary's README and writes a file
 * into <canary>/proc-escape/ through it) and the network it sees.
 */
function escapeScript(canary: string): string {
  return `#!/bin/sh
# lab: the hostile guest's hook (apps/lab/src/openvz/hostile.ts)
case "$1" in prereqs) exit 0 ;; esac
out=${HOSTILE_REPORT_DIR}
mkdir -p "$out"
name="$(basename "\${HOOK:-$0}")"
{
  echo "== hook \${HOOK:-$0} $* (pid $$, uid $(id -u))"
  echo "== environment"
  env | sort
  echo "== /proc/<pid>/root"
  for d in /proc/[0-9]*; do
    [ -d "$d/root/" ] || continue
    if [ -e "$d/root${canary}/README" ]; then
      echo "ESCAPE through $d/root: the host's ${canary}/README is there"
      mkdir -p "$d/root${canary}/proc-escape" && echo "written by $name through $d/root" > "$d/root${canary}/proc-escape/$name-\${d#/proc/}"
    else
      echo "$d/root: only the guest"
    fi
  done
  echo "== network"
  cat /proc/net/dev 2>&1
} > "$out/$name.$$.txt" 2>&1
exit 0
`;
}

/** The hooks, and the tools that run them as the real ones do (run-parts of the hook directories). */
function writeHooks(root: string, canary: string): void {
  const put = (rel: string, content: string) => {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    chmodSync(file, 0o755);
  };
  put(ESCAPE.slice(1), escapeScript(canary));
  const hook = `#!/bin/sh\nHOOK="$0" exec ${ESCAPE} "$@"\n`;
  const hooks = {
    'etc/kernel/postinst.d/zz-vzferry-hostile': 'usr/bin/apt-get',
    'etc/initramfs-tools/hooks/vzferry-hostile': 'usr/sbin/mkinitramfs',
    'etc/grub.d/09_vzferry_hostile': 'usr/sbin/update-grub',
  };
  for (const [rel, tool] of Object.entries(hooks)) {
    put(rel, hook);
    // the lab's stand-in goes to <tool>.lab; the tool runs the hooks of its directory first, then the stand-in
    renameSync(path.join(root, tool), path.join(root, `${tool}.lab`));
    const dir = `/${path.posix.dirname(rel)}`;
    put(
      tool,
      `#!/bin/sh\n# lab: runs ${dir}/* like the real ${path.posix.basename(tool)}, then the lab's stand-in\nfor h in ${dir}/*; do [ -x "$h" ] && "$h" < /dev/null > /dev/null 2>&1; done\nexec /${tool}.lab "$@"\n`,
    );
  }
}

/** One line, no newline: a runlevel entry followed by "getty " until 2 MiB (what quadratic regexes choke on). */
function inittabLine(): string {
  const head = '1:2345:respawn:/sbin/getty 38400 ';
  return head + 'getty '.repeat(Math.ceil((HOSTILE_INITTAB_BYTES - head.length) / 6));
}
