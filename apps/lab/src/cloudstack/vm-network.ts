// The simulated VMs' addresses, reachable from this machine: the pipeline's
// `verify` stage pings a migrated VM's IPs from the converter box, as it
// would in a real region. The lab's VMs do not run (only the Debian 12 image
// is booted, by the tests, under QEMU), so the lab answers for them: a
// network namespace of its own, joined to the host by a veth pair, holds the
// IPv4 and IPv6 addresses of every Running VM on its loopback, and the host
// gets a /32 (/128) route per address into it. A stopped or destroyed VM's addresses go
// away, so a VM that does not run does not answer. Everything is removed by
// stop(), and a namespace left by a killed lab is replaced at the next start.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface VmNetwork {
  /** make exactly these IPv4 and IPv6 addresses answer (the Running VMs' addresses) */
  sync(ips: readonly string[]): void;
  /** wait until the last sync is applied */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startVmNetwork(
  labDir: string,
  log: (line: string) => void = () => undefined,
): Promise<VmNetwork> {
  const h = createHash('sha256').update(labDir).digest();
  const ns = `vzlab-${h.subarray(0, 4).toString('hex')}`;
  const hostIf = `vzl${h.subarray(0, 3).toString('hex')}h`;
  const nsIf = `vzl${h.subarray(0, 3).toString('hex')}g`;
  // a link-local /30 of its own per lab dir, so that two labs do not collide
  const third = 1 + (h[4]! % 254);
  const fourth = 4 * (h[5]! % 63);
  const hostIp = `169.254.${third}.${fourth + 1}`;
  const nsIp = `169.254.${third}.${fourth + 2}`;
  // and a unique local /64 of its own for IPv6 (RFC 4193)
  const v6Net = `fd7a:${h.subarray(6, 8).toString('hex')}:${h.subarray(8, 10).toString('hex')}:1`;
  const hostIp6 = `${v6Net}::1`;
  const nsIp6 = `${v6Net}::2`;
  const ip = (...args: string[]) => run('ip', args);
  const inNs = (...args: string[]) => run('ip', ['netns', 'exec', ns, 'ip', ...args]);

  await removeNamespace(ns, hostIf);
  await ip('netns', 'add', ns);
  await ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
  await ip('link', 'set', nsIf, 'netns', ns);
  await ip('addr', 'add', `${hostIp}/30`, 'dev', hostIf);
  await ip('link', 'set', hostIf, 'up');
  await inNs('link', 'set', 'lo', 'up');
  await inNs('addr', 'add', `${nsIp}/30`, 'dev', nsIf);
  await inNs('link', 'set', nsIf, 'up');
  await inNs('route', 'add', 'default', 'via', hostIp);
  // nodad: the addresses are usable at once (no duplicate address detection wait)
  await ip('-6', 'addr', 'add', `${hostIp6}/64`, 'dev', hostIf, 'nodad');
  await inNs('-6', 'addr', 'add', `${nsIp6}/64`, 'dev', nsIf, 'nodad');
  await inNs('-6', 'route', 'add', 'default', 'via', hostIp6);
  log(`VM addresses answer from network namespace ${ns} (${hostIf} ${hostIp} <-> ${nsIp})`);

  let current = new Set<string>();
  // what the last sync asked for: the chain applies requests in order, and a
  // request equal to the one before it adds nothing (comparing with what is
  // applied already would drop a quick change back, e.g. a VM that stops
  // while its start is still being applied)
  let requested = new Set<string>();
  let chain: Promise<void> = Promise.resolve();
  const apply = async (wanted: Set<string>) => {
    const route = (a: string) =>
      a.includes(':') ? { len: 128, via: nsIp6, f: '-6' } : { len: 32, via: nsIp, f: '-4' };
    for (const a of current) {
      if (wanted.has(a)) continue;
      const r = route(a);
      await ip(r.f, 'route', 'del', `${a}/${r.len}`, 'via', r.via).catch(() => undefined);
      await inNs(r.f, 'addr', 'del', `${a}/${r.len}`, 'dev', 'lo').catch(() => undefined);
    }
    for (const a of wanted) {
      if (current.has(a)) continue;
      const r = route(a);
      await inNs(r.f, 'addr', 'replace', `${a}/${r.len}`, 'dev', 'lo', ...(r.f === '-6' ? ['nodad'] : []));
      await ip(r.f, 'route', 'replace', `${a}/${r.len}`, 'via', r.via, 'dev', hostIf);
    }
    current = wanted;
  };
  let stopped = false;
  return {
    sync(ips) {
      if (stopped) return;
      const wanted = new Set(ips.filter((a) => isIP(a) !== 0));
      if (wanted.size === requested.size && [...wanted].every((a) => requested.has(a))) return;
      requested = wanted;
      chain = chain.then(() => apply(wanted)).catch((err: unknown) => log(`VM network: ${String(err)}`));
    },
    settled: () => chain,
    async stop() {
      stopped = true;
      await chain;
      await removeNamespace(ns, hostIf);
    },
  };
}

/** Deleting the namespace deletes the veth pair, and with it the host's routes through it. */
async function removeNamespace(ns: string, hostIf: string): Promise<void> {
  await run('ip', ['link', 'del', hostIf]).catch(() => undefined);
  await run('ip', ['netns', 'del', ns]).catch(() => undefined);
}
