// What the delta server learns about rsync processes from /proc: whether a
// pid from an old pid file is still our daemon (and not a reused pid of
// something else), whether a process is gone, and whether the daemon holds a
// listening socket on its port (ready, and not someone else answering).
import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

interface ProcStat {
  state: string;
  pgrp: number;
}

async function procStat(pid: number): Promise<ProcStat | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ppid pgrp ...": comm may hold spaces and parentheses
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

/** No such process, or only its zombie (nothing of it runs, its sockets are closed). */
export async function isGone(pid: number): Promise<boolean> {
  const st = await procStat(pid);
  return st === null || st.state === 'Z' || st.state === 'X';
}

export async function processGroup(pid: number): Promise<number | null> {
  return (await procStat(pid))?.pgrp ?? null;
}

/** True if pid runs rsync with exactly this --config: the daemon an earlier worker started on this state dir. */
export async function isDaemonOf(pid: number, configPath: string): Promise<boolean> {
  let argv: string[];
  try {
    argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
  } catch {
    return false;
  }
  return path.basename(argv[0] ?? '') === 'rsync' && argv.includes(`--config=${configPath}`);
}

/** True if pid holds a TCP socket listening on port (IPv4 or IPv6). */
export async function listensOn(pid: number, port: number): Promise<boolean> {
  const listening = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = await readFile(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; the 10th field is the socket's inode
      const localPort = parseInt(f[1]?.split(':')[1] ?? '', 16);
      if (localPort === port && f[3] === '0A' && f[9]) listening.add(f[9]);
    }
  }
  if (listening.size === 0) return false;
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode && listening.has(inode)) return true;
  }
  return false;
}
