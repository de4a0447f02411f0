// main.ts runs the lab CloudStack alone and tells a running one to
// misbehave; a killed server comes back with its state, its pending jobs
// failed as a restarted management server fails them.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudStack } from '../../src/cloudstack/index';
import { fileBytes, makeQcow2, signed, type Source, source, tmpDir, until } from './support';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
// the server runs in this very process (not under the tsx wrapper), so that kill -9 kills it
const NODE_TSX = [process.execPath, ['--import', 'tsx']] as const;
const MAIN = path.join(ROOT, 'apps/lab/src/cloudstack/main.ts');

let dir: string;
let server: ChildProcess | undefined;
let src: Source;
let creds: { endpoint: string; adminUrl: string; apiKey: string; secretKey: string; zoneId: string };

async function call(
  command: string,
  params: Record<string, string> = {},
): Promise<Record<string, Record<string, unknown>>> {
  const res = await fetch(
    `${creds.endpoint}?${signed({ command, apikey: creds.apiKey, response: 'json', ...params }, creds.secretKey)}`,
  );
  return (await res.json()) as Record<string, Record<string, unknown>>;
}

beforeAll(async () => {
  dir = tmpDir('cli');
  const image = fileBytes(makeQcow2(dir, 'cli', 256 * 1024));
  src = await source((_req, res) => {
    res.writeHead(200, { 'content-length': image.length });
    res.end(image);
  });
  server = spawn(NODE_TSX[0], [...NODE_TSX[1], MAIN, '--dir', dir, '--port', '0', '--poll-ms', '200'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const credFile = path.join(dir, 'cloudstack', 'credentials.json');
  await until(async () => (existsSync(credFile) ? true : undefined), 30_000);
  creds = JSON.parse(readFileSync(credFile, 'utf8')) as typeof creds;
  await until(async () => ((await fetch(`${creds.adminUrl}/health`).catch(() => null))?.ok ? true : undefined));
}, 60_000);
afterAll(async () => {
  server?.kill('SIGKILL');
  await src?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => run(TSX, [MAIN, ...args]);

describe('lab CloudStack command line', () => {
  it('sets and clears faults on a running server', async () => {
    const { stdout } = await cli(
      'fault',
      '--dir',
      dir,
      '--fail-downloads',
      '2',
      '--mode',
      'timeout',
      '--fail-deploys',
      '1',
      '--full-storage',
      'on',
      '--silent-vms',
      '2',
      '--never-start',
      '1',
      '--api-errors',
      '2',
      '--status',
      '503',
      '--commands',
      'listTemplates,listZones',
      '--match',
      'vz101',
      '--param',
      'id',
    );
    expect(JSON.parse(stdout)).toEqual({
      faults: {
        failDownloads: { remaining: 2, mode: 'timeout', afterFraction: 0.3, stallMs: 1000 },
        slowDownloadsBytesPerSec: null,
        fullStorage: true,
        failDeploys: 1,
        silentVms: 2,
        downloadsNeverStart: 1,
        apiErrors: [
          { remaining: 2, status: 503, commands: ['listTemplates', 'listZones'], match: 'vz101', param: 'id' },
        ],
        apiHangs: [],
        failJobs: [],
        holdJobs: [],
      },
    });
    expect(
      ((await (await fetch(`${creds.adminUrl}/faults`)).json()) as { faults: { failDeploys: number } }).faults
        .failDeploys,
    ).toBe(1);
    await cli('fault', '--dir', dir, '--clear');
    expect(
      ((await (await fetch(`${creds.adminUrl}/faults`)).json()) as { faults: { fullStorage: boolean } }).faults
        .fullStorage,
    ).toBe(false);
  });

  it('refuses a bad fault request and says why', async () => {
    const failed = await cli('fault', '--dir', dir, '--fail-downloads', '2', '--mode', 'melt').catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain('melt');
    const res = await fetch(`${creds.adminUrl}/faults`, {
      method: 'POST',
      body: '{"failDownloads":{"count":-1,"mode":"reset"}}',
    });
    expect(res.status).toBe(400);
  });

  it('changes a global setting', async () => {
    await cli('setting', '--dir', dir, '--name', 'max.template.iso.size', '--value', '7');
    const res = await call('listConfigurations', { name: 'max.template.iso.size' });
    expect((res.listconfigurationsresponse as { configuration: { value: string }[] }).configuration[0]!.value).toBe(
      '7',
    );
  });

  it('after kill -9 the state is back, the pending job failed and the VM settled', async () => {
    const os = ((await call('listOsTypes')).listostypesresponse as { ostype: { id: string }[] }).ostype[0]!.id;
    const reg = await call('registerTemplate', {
      name: 'cli',
      displaytext: 'cli',
      url: `${src.base}/cli.qcow2`,
      format: 'QCOW2',
      hypervisor: 'KVM',
      zoneid: creds.zoneId,
      ostypeid: os,
    });
    const templateId = (reg.registertemplateresponse as { template: { id: string }[] }).template[0]!.id;
    await until(async () =>
      (
        (await call('listTemplates', { templatefilter: 'self', id: templateId })).listtemplatesresponse as {
          template: { isready: boolean }[];
        }
      ).template[0]!.isready
        ? true
        : undefined,
    );
    const offering = (
      (await call('listServiceOfferings')).listserviceofferingsresponse as { serviceoffering: { id: string }[] }
    ).serviceoffering[0]!.id;
    const deploy = await call('deployVirtualMachine', {
      serviceofferingid: offering,
      templateid: templateId,
      zoneid: creds.zoneId,
      name: 'crash-vm',
    });
    const { jobid } = deploy.deployvirtualmachineresponse as { jobid: string };
    server?.kill('SIGKILL');
    await new Promise((r) => server?.once('exit', r));
    server = undefined;

    const lab = await startCloudStack({ dir, vmTransitionMs: 50 });
    try {
      expect(lab.apiKey).toBe(creds.apiKey);
      creds = { ...creds, endpoint: lab.endpoint };
      const job = (await call('queryAsyncJobResult', { jobid })).queryasyncjobresultresponse;
      expect(job).toMatchObject({
        jobstatus: 2,
        jobresultcode: 530,
        jobresulttype: 'object',
      });
      // the restart's plain-text result cannot be read back as an object (jobs.ts failOrphans)
      expect(job).not.toHaveProperty('jobresult');
      const vms = (await call('listVirtualMachines', { name: 'crash-vm' })).listvirtualmachinesresponse as {
        virtualmachine: { state: string }[];
      };
      expect(['Running', 'Stopped']).toContain(vms.virtualmachine[0]!.state);
      const setting = (await call('listConfigurations', { name: 'max.template.iso.size' }))
        .listconfigurationsresponse as { configuration: { value: string }[] };
      expect(setting.configuration[0]!.value).toBe('7');
    } finally {
      await lab.stop();
    }
  });
});
