// The libraries a dynamic program needs, as ldd prints them: the initramfs
// carries them beside the program (it has no other libc).
import { z } from 'zod';

const absolutePath = z.string().regex(/^\/[^\s]*$/);

/**
 * The absolute paths in ldd's output: "libz.so.1 => /lib/.../libz.so.1 (0x...)"
 * and the loader's "/lib64/ld-linux-x86-64.so.2 (0x...)". The vDSO has no
 * file; a library ldd could not find fails (the program would not start).
 */
export function parseLddPaths(stdout: string): string[] {
  const paths: string[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('linux-vdso.so') || line.startsWith('linux-gate.so')) continue;
    if (/=>\s*not found/.test(line)) throw new Error(`ldd: a library is missing: ${line}`);
    const file = /=>\s*(\S+)\s+\(0x[0-9a-f]+\)$/.exec(line)?.[1] ?? /^(\S+)\s+\(0x[0-9a-f]+\)$/.exec(line)?.[1];
    if (!file || !absolutePath.safeParse(file).success) throw new Error(`ldd: a line not understood: ${line}`);
    paths.push(file);
  }
  return [...new Set(paths)];
}
