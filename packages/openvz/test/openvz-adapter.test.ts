// OpenVzAdapter against a stand-in hypervisor: the vzlist/vzctl of the
// reference samples (fake-vz-tools) behind a real shell, and container
// configs in a real directory read by the one-command config bundle.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InventoryContainer } from '@vzferry/core';
import { OpenVzAdapter, VzctlError } from '../src/index';
import { readFakeVzCalls, readSample, writeFakeVzTools, type RecordedCall } from '../src/testing/index';
import { LocalShellExecutor } from './local-shell-executor';

const behaviour = JSON.parse(readSample('openvz/vzctl-cli-behaviour.jsonc')) as Record<
  string,
  RecordedCall & { argv: string[] }
>;

let dir: string;
let bin: string;
let conf: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-openvz-'));
  bin = path.join(dir, 'bin');
  conf = path.join(dir, 'conf');
  mkdirSync(conf);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function hypervisor(
  vzctlCases: string[] = [],
  vzlistJson = readSample('openvz/vzlist-a-j.jsonc'),
  vzlistExit = 0,
): OpenVzAdapter {
  const vzctl = Object.fromEntries(vzctlCases.map((k) => [behaviour[k]!.argv.slice(1).join(' '), behaviour[k]!]));
  writeFakeVzTools(bin, { vzlistJson, vzlistExit, vzctl });
  return new OpenVzAdapter(new LocalShellExecutor(bin), { confDir: conf });
}

describe('OpenVzAdapter.listContainers', () => {
  it('merges vzlist -j with every config read in one command', async () => {
    writeFileSync(
      path.join(conf, '101.conf'),
      readSample('openvz/101.conf').replace('IP_ADDRESS="10.0.0.101"', 'IP_ADDRESS="10.0.0.101/24"'),
    );
    writeFileSync(
      path.join(conf, '102.conf'),
      readSample('openvz/ve-basic.conf-sample') +
        'NETIF="ifname=eth0,mac=00:18:51:00:01:02,host_ifname=veth102.0,bridge=vmbr0"\n',
    );
    writeFileSync(path.join(conf, 've-basic.conf-sample'), 'not a container');
    const phases: string[] = [];
    const list = await hypervisor().listContainers({ onProgress: (p) => phases.push(p.phase) });
    expect(phases).toEqual(['listing', 'reading_configs', 'parsing']);
    expect(list).toHaveLength(2);
    const [ct101, ct102] = list as [InventoryContainer, InventoryContainer];
    expect(ct101).toEqual({
      ctid: 101,
      hostname: 'ct101.example.com',
      name: null,
      description: null,
      status: 'running',
      ostemplate: 'centos-6-x86_64',
      layout: 'ploop',
      privatePath: '/vz/private/101',
      rootPath: '/vz/root/101',
      diskQuotaKb: 10319160n,
      diskUsedKb: 1234567n,
      inodesUsed: 41234n,
      inodesLimit: 655360n,
      ramMb: 1024,
      swapMb: 2048,
      cpus: null,
      cpuUnits: 1000,
      cpuLimit: 0,
      onboot: true,
      nameservers: ['8.8.8.8'],
      searchDomains: [],
      // the prefix comes from the config, the address from both
      ips: [{ address: '10.0.0.101', family: 4, prefix: 24 }],
      nics: [],
    });
    expect(ct102).toMatchObject({
      ctid: 102,
      status: 'stopped',
      layout: 'simfs',
      diskQuotaKb: 2306867n,
      inodesLimit: 144179n,
      // UBC container: PHYSPAGES unlimited, RAM from PRIVVMPAGES 65536 pages
      ramMb: 256,
      swapMb: 0,
      onboot: null,
      // vzlist's IPs with no config IP_ADDRESS are kept
      ips: [
        { address: '10.0.0.102', family: 4, prefix: null },
        { address: '2001:db8::102', family: 6, prefix: null },
      ],
      nics: [{ name: 'eth0', mac: '00:18:51:00:01:02', hostIfname: 'veth102.0', bridge: 'vmbr0' }],
    });
  });

  it("finds the configs where the remote session says (VZFERRY_VZ_CONF_DIR, the lab's hook) when no confDir is given", async () => {
    writeFileSync(path.join(conf, '101.conf'), readSample('openvz/101.conf'));
    writeFakeVzTools(bin, { vzlistJson: readSample('openvz/vzlist-a-j.jsonc') });
    const hv = new OpenVzAdapter(new LocalShellExecutor(bin, { VZFERRY_VZ_CONF_DIR: conf }));
    const [ct101] = await hv.listContainers();
    expect(ct101!.ips).toEqual([{ address: '10.0.0.101', family: 4, prefix: null }]);
    expect((await hv.readConfig(101)).ostemplate).toBe('centos-6-x86_64');
  });

  it('reads a host without containers (vzlist -j prints [] and exits 1)', async () => {
    expect(await hypervisor([], '[]\n', 1).listContainers()).toEqual([]);
  });

  it('fails as a whole when one config is malformed, naming it', async () => {
    writeFileSync(path.join(conf, '101.conf'), 'IP_ADDRESS="10.0.0.999"\n');
    await expect(hypervisor().listContainers()).rejects.toThrow(/101\.conf: line 1: IP_ADDRESS/);
  });

  it('fails on vzlist errors and on output that is not vzlist JSON', async () => {
    await expect(hypervisor([], 'Container(s) not found\n', 1).listContainers()).rejects.toThrow(/exited with 1/);
    await expect(hypervisor([], '<html>', 0).listContainers()).rejects.toThrow(/not valid JSON/);
  });
});

describe('OpenVzAdapter vzctl commands', () => {
  it('reads status lines', async () => {
    const hv = hypervisor(['status_running', 'status_stopped']);
    expect(await hv.status(101)).toMatchObject({ running: true, mounted: true });
    expect(await hv.status(102)).toMatchObject({ running: false, mounted: false });
  });

  it('starts and stops, whatever vzctl logs on the way', async () => {
    await expect(hypervisor(['start_ok_simfs']).start(102)).resolves.toBeUndefined();
    await expect(hypervisor(['stop_ok']).stop(101)).resolves.toBeUndefined();
  });

  it('treats start of a running and stop of a stopped container as done', async () => {
    const hv = hypervisor(['start_already_running', 'stop_not_running']);
    await expect(hv.start(101)).resolves.toBeUndefined();
    await expect(hv.stop(102)).resolves.toBeUndefined();
  });

  it('maps vzctl exit codes to typed errors with their meaning', async () => {
    const cases: [string, (hv: OpenVzAdapter) => Promise<unknown>, number, RegExp][] = [
      ['start_no_private', (hv) => hv.start(105), 43, /private area does not exist.*\/vz\/private\/105/],
      ['any_no_config', (hv) => hv.start(999), 14, /config file does not exist/],
      ['locked', (hv) => hv.start(101), 9, /locked/],
      ['stop_timeout', (hv) => hv.stop(101), 33, /unable to stop/],
      ['exec_not_running', (hv) => hv.exec(102, ['true']), 31, /Container is not running/],
      ['exec_cmd_failed', (hv) => hv.exec(101, ['false']), 8, /command run inside the container failed/],
    ];
    for (const [key, run, code, message] of cases) {
      const err = await run(hypervisor([key])).catch((e: unknown) => e);
      expect(err, key).toBeInstanceOf(VzctlError);
      expect((err as VzctlError).code, key).toBe(code);
      expect((err as VzctlError).message, key).toMatch(message);
    }
  });

  it('runs a command inside the container and returns its output', async () => {
    const res = await hypervisor(['exec_ok']).exec(101, ['cat', '/etc/redhat-release']);
    expect(res.stdout).toBe('CentOS release 6.10 (Final)\n');
  });

  it('delivers a hostile command to vzctl as one literal argument', async () => {
    const hv = hypervisor();
    const marker = path.join(dir, 'pwned');
    await hv.exec(101, ['echo', `$(touch ${marker})`, '`id`', "'", ';', 'rm -rf /']).catch(() => undefined);
    const [call] = readFakeVzCalls(bin);
    expect(call).toEqual(['vzctl', 'exec', '101', `echo '$(touch ${marker})' '\`id\`' ''\\''' ';' 'rm -rf /'`]);
    const { existsSync } = await import('node:fs');
    expect(existsSync(marker)).toBe(false);
  });

  it('sets onboot with --save and reads one config', async () => {
    writeFakeVzTools(bin, {
      vzlistJson: '[]',
      vzctl: { 'set 101 --onboot no --save': { stdout: 'Saved parameters for CT 101\n', stderr: '', exit: 0 } },
    });
    writeFileSync(path.join(conf, '101.conf'), readSample('openvz/101.conf'));
    const hv = new OpenVzAdapter(new LocalShellExecutor(bin), { confDir: conf });
    await hv.setOnboot(101, false);
    expect(readFakeVzCalls(bin)).toEqual([['vzctl', 'set', '101', '--onboot', 'no', '--save']]);
    expect((await hv.readConfig(101)).hostname).toBe('ct101.example.com');
    await expect(hv.readConfig(404)).rejects.toThrow(/config file does not exist/);
  });
});
