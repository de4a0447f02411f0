// The delta server with a real rsync daemon and the real rsync client on
// loopback: what a guest with its run's password pulls (owners, hard links,
// symlinks, --delete), what it is refused (wrong password, another run's
// user, uploads), that symlinks out of the copy stay inside its chroot, that
// modules come and go without restarting the daemon (rsync re-reads its
// config per connection), that a daemon left by a worker killed with SIGKILL
// is stopped by the next start, and what it refuses to write into its config.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  chownSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deltaPassword, startDeltaServer, type DeltaServer } from '../src/delta-server';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const KEY = 'test-box-key';
let tmp: string;
const servers: DeltaServer[] = [];
const strays: number[] = [];

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vzferry-delta-'));
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  for (const pid of strays.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

async function start(stateDir = fresh('state')): Promise<{ server: DeltaServer; stateDir: string; pid: number }> {
  const server = await startDeltaServer({ stateDir, address: '127.0.0.1', port: await freePort() });
  servers.push(server);
  return { server, stateDir, pid: daemonPid(stateDir) };
}

function fresh(name: string): string {
  return mkdtempSync(path.join(tmp, `${name}-`));
}

const daemonPid = (stateDir: string) => Number(readFileSync(path.join(stateDir, 'rsyncd.pid'), 'utf8').trim());
const running = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

/** The real rsync client; argv as an array, the password in RSYNC_PASSWORD. */
function rsync(args: string[], password: string): { code: number | null; out: string } {
  const r = spawnSync('rsync', args, {
    env: { ...process.env, RSYNC_PASSWORD: password },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A container's copy: plain files, a hard link, a symlink, a file of uid 1234. */
function makeTree(): string {
  const root = fresh('root');
  writeFileSync(path.join(root, 'a.txt'), 'hello\n');
  mkdirSync(path.join(root, 'sub'));
  writeFileSync(path.join(root, 'sub/b.txt'), 'bee\n');
  linkSync(path.join(root, 'sub/b.txt'), path.join(root, 'sub/b-hard.txt'));
  symlinkSync('../a.txt', path.join(root, 'sub/a-link'));
  writeFileSync(path.join(root, 'owned.txt'), 'mine\n');
  chownSync(path.join(root, 'owned.txt'), 1234, 1234);
  return root;
}

/** Every entry with its type, size, mode, owner, mtime and content: to see that nothing changed. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((rel) => {
      const p = path.join(dir, rel);
      const st = lstatSync(p);
      const body = st.isSymbolicLink() ? readlinkSync(p) : st.isFile() ? readFileSync(p, 'utf8') : '';
      return `${rel} ${st.mode} ${st.uid}:${st.gid} ${st.size} ${st.mtimeMs} ${body}`;
    });
}

describe('delta server', () => {
  it('serves a module added after start to its password, without restarting the daemon', async () => {
    const { server, pid, stateDir } = await start();
    const runId = randomUUID();
    const pw = deltaPassword(KEY, runId);
    const dest = fresh('client');
    // before serve: the daemon answers, the module does not exist
    expect(rsync(['-a', server.url(runId), dest], pw).code).toBe(5);

    const root = makeTree();
    await server.serve(runId, root, pw);
    expect(server.served()).toEqual([runId]);
    writeFileSync(path.join(dest, 'extra.txt'), 'not on the box\n');
    const r = rsync(['-aH', '--numeric-ids', '--delete', server.url(runId), `${dest}/`], pw);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);

    expect(readFileSync(path.join(dest, 'a.txt'), 'utf8')).toBe('hello\n');
    expect(readFileSync(path.join(dest, 'sub/b.txt'), 'utf8')).toBe('bee\n');
    expect(statSync(path.join(dest, 'sub/b-hard.txt')).ino).toBe(statSync(path.join(dest, 'sub/b.txt')).ino);
    expect(readlinkSync(path.join(dest, 'sub/a-link'))).toBe('../a.txt');
    expect(statSync(path.join(dest, 'owned.txt'))).toMatchObject({ uid: 1234, gid: 1234 });
    expect(existsSync(path.join(dest, 'extra.txt'))).toBe(false);
    // the same daemon all along: it read the new module from its config on the next connection
    expect(daemonPid(stateDir)).toBe(pid);
    expect(running(pid)).toBe(true);
  });

  it("refuses a wrong password and another run's user", async () => {
    const { server } = await start();
    const [runA, runB] = [randomUUID(), randomUUID()];
    await server.serve(runA, makeTree(), deltaPassword(KEY, runA));
    await server.serve(runB, makeTree(), deltaPassword(KEY, runB));
    const dest = fresh('client');

    const wrong = rsync(['-a', server.url(runA), dest], deltaPassword('other-key', runA));
    expect(wrong.code).toBe(5);
    expect(wrong.out).toMatch(/auth failed/);
    // run B's user with run B's own password, on run A's module
    const other = rsync(
      ['-a', `rsync://run-${runB}@127.0.0.1:${server.port}/run-${runA}/`, dest],
      deltaPassword(KEY, runB),
    );
    expect(other.code).toBe(5);
    expect(readdirSync(dest)).toEqual([]);
    // and the right one still works
    expect(rsync(['-a', server.url(runA), dest], deltaPassword(KEY, runA)).code).toBe(0);
  });

  it('refuses an upload and leaves the copy as it was', async () => {
    const { server } = await start();
    const runId = randomUUID();
    const pw = deltaPassword(KEY, runId);
    const root = makeTree();
    await server.serve(runId, root, pw);
    const before = snapshot(root);
    const src = fresh('upload');
    writeFileSync(path.join(src, 'a.txt'), 'overwritten\n');
    writeFileSync(path.join(src, 'new.txt'), 'planted\n');

    const up = rsync(['-a', '--delete', `${src}/`, server.url(runId)], pw);
    expect(up.code).not.toBe(0);
    expect(up.out).toMatch(/read only/);
    expect(snapshot(root)).toEqual(before);
  });

  it('keeps symlinks out of the copy inside its chroot, even followed with --copy-links', async () => {
    const { server } = await start();
    const runId = randomUUID();
    const pw = deltaPassword(KEY, runId);
    const root = makeTree();
    // the guest's own /etc, and links that, outside a chroot, would reach the box's /etc
    mkdirSync(path.join(root, 'etc'));
    writeFileSync(path.join(root, 'etc/hostname'), 'guest-hostname\n');
    symlinkSync('/etc/hostname', path.join(root, 'abs-hostname'));
    symlinkSync('/etc', path.join(root, 'abs-etc'));
    symlinkSync('../../../etc/hostname', path.join(root, 'up-hostname'));
    symlinkSync('../../../etc', path.join(root, 'up-etc'));
    // the host's reading of the relative link really is the box's file: the test would see a leak
    expect(readFileSync(path.join(root, 'up-hostname'), 'utf8')).toBe(readFileSync('/etc/hostname', 'utf8'));
    await server.serve(runId, root, pw);

    const dest = fresh('client');
    const r = rsync(['-rL', server.url(runId), `${dest}/`], pw);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
    const hostHostname = readFileSync('/etc/hostname', 'utf8');
    for (const name of ['abs-hostname', 'up-hostname', 'abs-etc/hostname', 'up-etc/hostname']) {
      const got = readFileSync(path.join(dest, name), 'utf8');
      expect(got).toBe('guest-hostname\n');
      expect(got).not.toBe(hostHostname);
    }
    // the box's /etc has passwd; the guest's, here, does not
    expect(existsSync('/etc/passwd')).toBe(true);
    expect(readdirSync(path.join(dest, 'abs-etc'))).toEqual(['hostname']);
    expect(readdirSync(path.join(dest, 'up-etc'))).toEqual(['hostname']);
  });

  it('refuses a withdrawn module at once, and stop() leaves no process', async () => {
    const { server, pid, stateDir } = await start();
    const runId = randomUUID();
    const pw = deltaPassword(KEY, runId);
    await server.serve(runId, makeTree(), pw);
    expect(rsync(['-a', server.url(runId), fresh('client')], pw).code).toBe(0);

    await server.withdraw(runId);
    const after = rsync(['-a', server.url(runId), fresh('client')], pw);
    expect(after.code).toBe(5);
    expect(after.out).toMatch(/Unknown module/);
    expect(server.served()).toEqual([]);
    expect(readFileSync(path.join(stateDir, 'rsyncd.secrets'), 'utf8')).toBe('');
    await server.withdraw(runId); // no-op
    // the same daemon refused it: not a restart
    expect(daemonPid(stateDir)).toBe(pid);

    await server.stop();
    expect(running(pid)).toBe(false);
    expect(existsSync(path.join(stateDir, 'rsyncd.pid'))).toBe(false);
    await server.stop(); // twice is fine
  });

  it('stops the daemon a worker killed with SIGKILL left running, then serves', async () => {
    const stateDir = fresh('state');
    const port = await freePort();
    const holder = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'support/delta-server-holder.ts'), stateDir, String(port)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      holder.once('exit', (code) => reject(new Error(`the holder exited (${code}) before it was ready`)));
    });
    const old = daemonPid(stateDir);
    strays.push(old);
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(running(old)).toBe(true);

    const server = await startDeltaServer({ stateDir, address: '127.0.0.1', port });
    servers.push(server);
    expect(running(old)).toBe(false);
    const pid = daemonPid(stateDir);
    expect(pid).not.toBe(old);
    const runId = randomUUID();
    const pw = deltaPassword(KEY, runId);
    await server.serve(runId, makeTree(), pw);
    expect(rsync(['-a', server.url(runId), fresh('client')], pw).code).toBe(0);
  });

  it('refuses a run id or root that would write lines into the config, which stays as it was', async () => {
    const { server, stateDir } = await start();
    const runId = randomUUID();
    const root = makeTree();
    await server.serve(runId, root, deltaPassword(KEY, runId));
    const config = path.join(stateDir, 'rsyncd.conf');
    const before = readFileSync(config, 'utf8');

    const injected = `${randomUUID()}\n[evil]\npath = /`;
    await expect(server.serve(injected, root, deltaPassword(KEY, injected))).rejects.toThrow(/lowercase UUID/);
    const other = randomUUID();
    await expect(server.serve(other, `${root}\n[evil]\npath = /`, deltaPassword(KEY, other))).rejects.toThrow(
      /cannot be written into rsyncd.conf/,
    );
    await expect(server.serve(other, 'relative/root', deltaPassword(KEY, other))).rejects.toThrow(/absolute path/);
    expect(() => server.url(injected)).toThrow(/lowercase UUID/);
    expect(readFileSync(config, 'utf8')).toBe(before);
    expect(server.served()).toEqual([runId]);
  });

  it('says which port is taken and what to change', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as net.AddressInfo).port;
    try {
      await expect(startDeltaServer({ stateDir: fresh('state'), address: '127.0.0.1', port })).rejects.toThrow(
        new RegExp(`port ${port} is in use.*delta server port setting`),
      );
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });

  it('surfaces the daemon log when rsync exits at start', async () => {
    const stateDir = fresh('state');
    // rsync cannot write its pid file there and exits
    mkdirSync(path.join(stateDir, 'rsyncd.pid'));
    await expect(startDeltaServer({ stateDir, address: '127.0.0.1', port: await freePort() })).rejects.toThrow(
      /rsync daemon exited \(code \d+\) at start: .*pid file/,
    );
  });
});
