// Virtual machines through the client against the lab: deploy with the
// customer's own IPs on several networks, secondary IPs, the state changes,
// ISOs, and the errors and failed jobs CloudStack answers with.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloudStackError,
  CloudStackJobError,
  CloudStackJobTimeoutError,
  createCloudStackClient,
  type Network,
} from '../src/index';
import { FAST, type LabHarness, startLab } from './support/lab';
import { eventually, type FileServer, makeQcow2, serveFiles } from './support/template-files';

let h: LabHarness;
let files: FileServer;
let tmp: string;
let templateId: string;
let isoId: string;
let offeringId: string;
let vlan20: Network;
let public198: Network;
const osId = async (description: string) => (await h.cs.listOsTypes({ description }))[0]!.id;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vzferry-cs-vm-'));
  const image = makeQcow2(tmp, 'ct200', 512 * 1024);
  files = await serveFiles({ '/t/ct200.qcow2': image.path, '/t/helper.iso': image.path });
  h = await startLab('vms');
  const centos = await osId('CentOS 7');
  const t = await h.cs.registerTemplate({
    name: 'ct200',
    url: `${files.base}/t/ct200.qcow2`,
    zoneId: h.lab.zoneId,
    osTypeId: centos,
  });
  const iso = await h.cs.registerIso({
    name: 'helper',
    url: `${files.base}/t/helper.iso`,
    zoneId: h.lab.zoneId,
    osTypeId: centos,
  });
  await eventually(async () => ((await h.cs.listTemplates({ id: t.id }))[0]?.isready ? true : undefined));
  await eventually(async () => ((await h.cs.listIsos({ id: iso.id }))[0]?.isready ? true : undefined));
  templateId = t.id;
  isoId = iso.id;
  offeringId = (await h.cs.listServiceOfferings({ name: 'Small Instance' }))[0]!.id;
  const networks = await h.cs.listNetworks({ zoneId: h.lab.zoneId });
  vlan20 = networks.find((n) => n.cidr === '10.20.0.0/24')!;
  public198 = networks.find((n) => n.cidr === '198.51.100.0/24')!;
});
afterAll(async () => {
  await h?.close();
  await files?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const deploy = (name: string, ips: [Network, string][]) =>
  h.cs.deployVirtualMachine({
    zoneId: h.lab.zoneId,
    serviceOfferingId: offeringId,
    templateId,
    name,
    ipToNetworkList: ips.map(([n, ip]) => ({ networkId: n.id, ip })),
  });

describe('CloudStack client: virtual machines against the lab', () => {
  it('deploys with the requested IPs on the requested networks, one NIC each, and reports the job id first', async () => {
    const jobIds: string[] = [];
    const vm = await h.cs.deployVirtualMachine(
      {
        zoneId: h.lab.zoneId,
        serviceOfferingId: offeringId,
        templateId,
        name: 'ct-300',
        displayName: 'customer 300',
        ipToNetworkList: [
          { networkId: vlan20.id, ip: '10.20.0.30' },
          { networkId: public198.id, ip: '198.51.100.30' },
        ],
      },
      { onJobId: (id) => void jobIds.push(id) },
    );
    expect(jobIds).toHaveLength(1);
    expect(vm).toMatchObject({
      name: 'ct-300',
      displayname: 'customer 300',
      state: 'Running',
      templateid: templateId,
      serviceofferingid: offeringId,
    });
    expect(vm.nic.map((n) => [n.networkid, n.ipaddress, n.isdefault])).toEqual([
      [vlan20.id, '10.20.0.30', true],
      [public198.id, '198.51.100.30', false],
    ]);
    for (const nic of vm.nic)
      expect(nic.macaddress).toMatch(/^02:00:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/);
    expect(vm.nic[0]!.ip6address).toMatch(/^2001:db8:20:0?:/);
    const job = await h.cs.queryAsyncJobResult(jobIds[0]!);
    expect(job).toMatchObject({
      jobstatus: 1,
      jobresultcode: 0,
      jobresulttype: 'object',
      jobinstancetype: 'VirtualMachine',
      jobinstanceid: vm.id,
    });
  });

  it('passes through Starting before Running', async () => {
    const states = new Set<string>();
    const pending = deploy('ct-301', [[vlan20, '10.20.0.31']]);
    await eventually(async () => {
      const [vm] = await h.cs.listVirtualMachines({ name: 'ct-301' });
      if (vm) states.add(vm.state);
      return vm?.state === 'Running' ? true : undefined;
    });
    await pending;
    expect([...states]).toContain('Starting');
  });

  it('finds a VM by exact name although the server matches substrings', async () => {
    await deploy('ct-3', [[vlan20, '10.20.0.33']]);
    expect((await h.cs.listVirtualMachines({ name: 'ct-3' })).map((v) => v.name).sort()).toEqual([
      'ct-3',
      'ct-300',
      'ct-301',
    ]);
    expect((await h.cs.findVirtualMachineByName('ct-3'))?.nic[0]?.ipaddress).toBe('10.20.0.33');
    expect(await h.cs.findVirtualMachineByName('ct-39')).toBeNull();
  });

  it("refuses an IP in use and an IP outside the network with CloudStack's answer", async () => {
    for (const [net, ip] of [
      [vlan20, '10.20.0.30'],
      [vlan20, '10.99.0.5'],
      [public198, '198.51.100.1'],
    ] as [Network, string][]) {
      const err = (await deploy(`ct-dup-${ip.replace(/\./g, '-')}`, [[net, ip]]).catch(
        (e: unknown) => e,
      )) as CloudStackError;
      expect(err).toBeInstanceOf(CloudStackError);
      expect(err).not.toBeInstanceOf(CloudStackJobError);
      expect(err).toMatchObject({
        httpStatus: 533,
        errorcode: 533,
        cserrorcode: 9999,
        errortext: 'Insufficient address capacity',
      });
    }
    const invalid = (await deploy('ct-bad-ip', [[vlan20, '10.20.0.300']]).catch((e: unknown) => e)) as CloudStackError;
    expect(invalid).toMatchObject({
      errorcode: 431,
      cserrorcode: 4350,
      errortext: 'Invalid specified IPv4 address 10.20.0.300',
    });
    expect(await h.cs.findVirtualMachineByName('ct-bad-ip')).toBeNull();
  });

  it('refuses a host name CloudStack would not accept, and a duplicate one', async () => {
    await expect(deploy('101', [[vlan20, '10.20.0.101']])).rejects.toMatchObject({
      errorcode: 431,
      errortext: expect.stringContaining("can't start with digit"),
    });
    await expect(deploy('ct-300', [[vlan20, '10.20.0.102']])).rejects.toMatchObject({
      errorcode: 431,
      errortext:
        'The vm with hostName ct-300 already exists in the network domain: cs1cloud.internal; network=lab-vlan20',
    });
  });

  it('adds secondary IPs to a NIC and lists them', async () => {
    const vm = (await h.cs.findVirtualMachineByName('ct-300'))!;
    const nicId = vm.nic[0]!.id;
    const added = await h.cs.addIpToNic({ nicId, ipAddress: '10.20.0.130' });
    expect(added).toMatchObject({
      ipaddress: '10.20.0.130',
      nicid: nicId,
      networkid: vlan20.id,
      virtualmachineid: vm.id,
    });
    const nics = await h.cs.listNics({ virtualMachineId: vm.id });
    expect(nics.find((n) => n.id === nicId)?.secondaryip).toEqual([{ id: added.id, ipaddress: '10.20.0.130' }]);
    await expect(h.cs.addIpToNic({ nicId, ipAddress: '10.20.0.31' })).rejects.toMatchObject({
      errorcode: 530,
      errortext: 'Failed to assign secondary IP to NIC',
    });
    await expect(deploy('ct-310', [[vlan20, '10.20.0.130']])).rejects.toMatchObject({
      errortext: 'Insufficient address capacity',
    });
  });

  it('stops, changes the OS type, attaches and detaches an ISO, starts and reboots', async () => {
    const vm = (await h.cs.findVirtualMachineByName('ct-301'))!;
    expect((await h.cs.stopVirtualMachine({ id: vm.id })).state).toBe('Stopped');
    const legacy = await osId('Other Linux (64-bit)');
    const updated = await h.cs.updateVirtualMachine({ id: vm.id, osTypeId: legacy });
    expect(updated).toMatchObject({ ostypeid: legacy, osdisplayname: 'Other Linux (64-bit)' });
    expect(await h.cs.attachIso({ id: isoId, virtualMachineId: vm.id })).toMatchObject({
      isoid: isoId,
      isoname: 'helper',
    });
    expect((await h.cs.startVirtualMachine({ id: vm.id })).state).toBe('Running');
    expect((await h.cs.rebootVirtualMachine({ id: vm.id })).state).toBe('Running');
    const detached = await h.cs.detachIso({ virtualMachineId: vm.id });
    expect(detached.isoid).toBeUndefined();
  });

  it("turns failed jobs into CloudStackJobError with the job's code and text", async () => {
    const vm = (await h.cs.findVirtualMachineByName('ct-301'))!;
    const noIso = (await h.cs.detachIso({ virtualMachineId: vm.id }).catch((e: unknown) => e)) as CloudStackJobError;
    expect(noIso).toBeInstanceOf(CloudStackJobError);
    expect(noIso).toMatchObject({
      command: 'detachIso',
      errorcode: 431,
      jobresultcode: 431,
      cserrorcode: null,
      errortext: 'The specified VM has no ISO attached to it.',
    });

    const inUse = (await h.cs.deleteTemplate({ id: templateId }).catch((e: unknown) => e)) as CloudStackJobError;
    expect(inUse).toBeInstanceOf(CloudStackJobError);
    expect(inUse.errortext).toMatch(
      /^Unable to delete template with id: \d+ because VM instances: \[VM\[User\|i-2-\d+-VM\](,VM\[User\|i-2-\d+-VM\])*\] are using it\.$/,
    );

    h.lab.faults.set({ failDeploys: 1 });
    const failed = (await deploy('ct-320', [[vlan20, '10.20.0.120']]).catch((e: unknown) => e)) as CloudStackJobError;
    expect(failed).toBeInstanceOf(CloudStackJobError);
    expect(failed).toMatchObject({
      errorcode: 533,
      jobresultcode: 533,
      errortext: expect.stringMatching(/^Unable to create a deployment for VM\[User\|i-2-\d+-VM\]$/),
    });
    expect((await h.cs.listVirtualMachines({ name: 'ct-320' }))[0]?.state).toBe('Error');
    const job = await h.cs.queryAsyncJobResult(failed.jobId);
    expect(job).toMatchObject({
      jobstatus: 2,
      jobresultcode: 533,
      jobresulttype: 'object',
      jobresult: { uuidList: [], errorcode: 533, errortext: failed.errortext },
    });
  });

  it('gives up waiting at the deadline, and a recorded job can be waited for again', async () => {
    const vm = (await h.cs.findVirtualMachineByName('ct-300'))!;
    const impatient = createCloudStackClient({
      endpoint: h.lab.endpoint,
      apiKey: h.lab.apiKey,
      secretKey: h.lab.secretKey,
      jobs: { deadlineMs: 1, initialIntervalMs: 1 },
    });
    // a stop that outlasts the deadline for sure: with the harness's 50 ms a loaded machine's first poll found it done
    const options = h.lab.simulator.options as { vmTransitionMs: number };
    options.vmTransitionMs = 2000;
    const timeout = (await impatient
      .stopVirtualMachine({ id: vm.id })
      .catch((e: unknown) => e)
      .finally(() => (options.vmTransitionMs = FAST.vmTransitionMs))) as CloudStackJobTimeoutError;
    expect(timeout).toBeInstanceOf(CloudStackJobTimeoutError);
    expect(timeout.message).toContain('query it again later with queryAsyncJobResult before repeating the command');
    const result = (await h.cs.waitForJob(timeout.jobId)) as { virtualmachine: { state: string } };
    expect(result.virtualmachine.state).toBe('Stopped');
    expect((await h.cs.startVirtualMachine({ id: vm.id })).state).toBe('Running');
  });

  it('destroys a VM and frees its addresses', async () => {
    const vm = (await h.cs.findVirtualMachineByName('ct-3'))!;
    expect((await h.cs.destroyVirtualMachine({ id: vm.id, expunge: true })).state).toBe('Destroyed');
    expect(await h.cs.findVirtualMachineByName('ct-3')).toBeNull();
    expect((await deploy('ct-3b', [[vlan20, '10.20.0.33']])).nic[0]!.ipaddress).toBe('10.20.0.33');
  });

  // VolumeOrchestrator allocates the ROOT volume at deploy and creates it on primary storage at the first start
  it("lists a VM's ROOT volume Allocated until its first start, Ready from then on, also stopped again", async () => {
    const vm = await h.cs.deployVirtualMachine({
      zoneId: h.lab.zoneId,
      serviceOfferingId: offeringId,
      templateId,
      name: 'ct-vol',
      startVm: false,
      ipToNetworkList: [{ networkId: vlan20.id, ip: '10.20.0.55' }],
    });
    const [allocated] = await h.cs.listVolumes({ virtualMachineId: vm.id, type: 'ROOT' });
    expect(allocated).toMatchObject({ type: 'ROOT', state: 'Allocated', virtualmachineid: vm.id });
    await h.cs.startVirtualMachine({ id: vm.id });
    await h.cs.stopVirtualMachine({ id: vm.id });
    const volumes = await h.cs.listVolumes({ virtualMachineId: vm.id });
    expect(volumes).toHaveLength(1);
    expect(volumes[0]).toMatchObject({ id: allocated!.id, name: expect.stringMatching(/^ROOT-\d+$/), state: 'Ready' });
    expect(await h.cs.listVolumes({ virtualMachineId: vm.id, type: 'DATADISK' })).toEqual([]);
    await h.cs.destroyVirtualMachine({ id: vm.id, expunge: true });
  });

  // ParamProcessWorker resolves the id including removed rows; the list leaves expunged VMs out
  it('lists an expunged VM by id as an empty list; an id that never existed is a 431', async () => {
    const vm = await deploy('ct-4', [[vlan20, '10.20.0.44']]);
    await h.cs.destroyVirtualMachine({ id: vm.id, expunge: true });
    expect(await h.cs.listVirtualMachines({ id: vm.id })).toEqual([]);
    await expect(h.cs.listVirtualMachines({ id: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({
      errorcode: 431,
    });
  });

  it('deletes a template in use when forced', async () => {
    await h.cs.deleteTemplate({ id: templateId, forced: true });
    expect(await h.cs.listTemplates({ id: templateId })).toEqual([]);
  });
});
