// The lab's simulated OpenVZ hypervisors, seen the way the product sees a
// real one: over real SSH (ssh2, pinned host key), with the product's own
// OpenVZ adapter and parsers.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseVzlistJson, OpenVzAdapter, VzctlError, toCtid } from '@vzferry/openvz';
import { readSample } from '@vzferry/openvz/testing';
import { probeHostKey, SshExecutor } from '@vzferry/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type RunningLab } from '../../src/index';
import { planFleet } from '../../src/openvz/plan';

let dir: string;
let lab: RunningLab;
let ssh: SshExecutor;
let hv: RunningLab['manifest']['hypervisors'][number];
const FLEET = { hosts: 2, containers: 24, debian12: false };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-lab-'));
  lab = await startLab({ dir, ...FLEET, sshPort: 0, cloudstackPort: null, churn: true });
  hv = lab.manifest.hypervisors[0]!;
  ssh = await SshExecutor.connect({
    host: hv.address,
    port: hv.port,
    username: hv.username,
    privateKey: readFileSync(hv.privateKeyPath, 'utf8'),
    pinnedFingerprint: hv.hostKeyFingerprint,
    hostKeyAlgorithm: hv.hostKeyAlgorithm,
  });
});

afterAll(async () => {
  await ssh?.close();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const plans = planFleet(FLEET).filter((p) => p.host === 0);

describe('a lab hypervisor over SSH', () => {
  it('presents the host key the manifest names', async () => {
    const seen = await probeHostKey({ host: hv.address, port: hv.port });
    expect(seen.fingerprint).toBe(hv.hostKeyFingerprint);
  });

  it("lists every planned container through the product's adapter, with IPs, quota, RAM, status, OS and NICs", async () => {
    const list = await new OpenVzAdapter(ssh).listContainers();
    expect(list.map((c) => c.ctid)).toEqual(plans.map((p) => p.ctid));
    for (const p of plans) {
      const c = list.find((x) => x.ctid === p.ctid)!;
      expect(c).toMatchObject({
        hostname: p.hostname,
        status: p.running ? 'running' : 'stopped',
        ostemplate: p.os.template,
        diskQuotaKb: BigInt(p.diskGb * 1024 * 1024),
        ramMb: p.ramMb,
        privatePath: `/vz/private/${p.ctid}`,
      });
      expect(c.ips.map((i) => i.address)).toEqual(p.ips);
      expect(c.nics.map((n) => n.bridge)).toEqual(p.nic ? [p.nic.bridge] : []);
    }
    expect(plans.some((p) => p.nic)).toBe(true);
  });

  it("prints vzlist JSON with the reference sample's keys in its order, and exits 1 with [] when empty", async () => {
    const res = await ssh.exec(['vzlist', '-a', '-j']);
    const ours = parseVzlistJson(res.stdout);
    const sample = parseVzlistJson(readSample('openvz/vzlist-a-j.jsonc'));
    expect(Object.keys(ours[0]!)).toEqual(Object.keys(sample[0]!));
    const running = await ssh.exec(['sh', '-c', 'vzlist -j; echo "exit=$?"']);
    expect(running.stdout).toMatch(/exit=0\n$/);
    const none = await ssh.exec([
      'sh',
      '-c',
      'mkdir -p /tmp/noconf && LAB_ETC_VZ=/tmp/noconf vzlist -a -j; echo "exit=$?"',
    ]);
    expect(none.stdout).toBe('[]\nexit=1\n');
  });

  it('prints the text columns at the widths of the reference sample', async () => {
    const res = await ssh.exec(['vzlist', '-a', '-H', '-o', 'ctid,hostname,ip,status']);
    const first = plans[0]!;
    expect(res.stdout.split('\n')[0]).toBe(
      `${String(first.ctid).padStart(10)} ${first.hostname.padEnd(32).slice(0, 32)} ${first.ips[0]!.padEnd(15)} ${first.running ? 'running' : 'stopped'}`,
    );
  });

  it('answers vzctl with the real exit codes and messages', async () => {
    const adapter = new OpenVzAdapter(ssh);
    const ct = plans.find((p) => p.running)!;
    const id = toCtid(ct.ctid);
    const twice = await ssh.exec(['vzctl', 'start', String(id)], { allowExitCodes: [32] });
    expect(twice).toMatchObject({ code: 32, stderr: 'Container is already running\n' });
    await adapter.stop(id);
    expect(await adapter.status(id)).toMatchObject({ running: false, mounted: false, exists: true });
    const again = await ssh.exec(['vzctl', 'stop', String(id)]);
    expect(again).toMatchObject({ code: 0, stderr: 'Unable to stop: container is not running\n' });
    expect((await adapter.vzlist()).find((c) => c.ctid === id)?.status).toBe('stopped');
    const notRunning = await adapter.exec(id, ['true']).catch((e: unknown) => e);
    expect(notRunning).toBeInstanceOf(VzctlError);
    expect((notRunning as VzctlError).code).toBe(31);
    await adapter.start(id);
    expect(await adapter.status(id)).toMatchObject({ running: true, mounted: true });
    expect((await ssh.exec(['vzctl', 'exec', String(id), 'false'], { allowExitCodes: [8] })).code).toBe(8);
    expect((await ssh.exec(['vzctl', 'exec2', String(id), 'exit 3'], { allowExitCodes: [3] })).code).toBe(3);
    expect(await ssh.exec(['vzctl', 'start', '99999'], { allowExitCodes: [14] })).toMatchObject({
      code: 14,
      stderr: 'Container config file does not exist\n',
    });
  });

  it("runs vzctl exec inside the container's own tree", async () => {
    const centos = plans.find((p) => p.running && p.os.distribution === 'centos')!;
    const res = await ssh.exec(['vzctl', 'exec', String(centos.ctid), 'cat /etc/redhat-release']);
    expect(res.stdout).toMatch(new RegExp(`^CentOS (Linux )?release ${centos.os.version.replace(/\./g, '\\.')}`));
    const debian = plans.find((p) => p.running && p.os.family === 'debian')!;
    const net = await ssh.exec(['vzctl', 'exec', String(debian.ctid), 'cat /etc/network/interfaces']);
    expect(net.stdout).toContain(`address ${debian.ips.find((ip) => !ip.includes(':'))}`);
  });

  it('keeps running containers changing and stopped ones still', async () => {
    const running = plans.find((p) => p.running)!;
    const stopped = plans.find((p) => !p.running)!;
    const read = async (ctid: number) => (await ssh.exec(['cat', `/vz/private/${ctid}/var/lib/lab/counter`])).stdout;
    const [r1, s1] = [await read(running.ctid), await read(stopped.ctid)];
    await expect.poll(() => read(running.ctid), { timeout: 10_000, interval: 500 }).not.toBe(r1);
    expect(await read(stopped.ctid)).toBe(s1);
  });
});
