// deployVirtualMachine, start/stop/reboot/destroyVirtualMachine,
// updateVirtualMachine, listVirtualMachines.
import { randomUUID } from 'node:crypto';
import { ApiError, CS, invalidParameterValue } from '../api-error';
import type { ParsedParams } from '../command-params';
import { checkRequestedIpv4, insufficientAddressCapacity, ipv6For, nextMac, takeIpv4 } from '../ip-allocation';
import type { CommandContext, CommandDef } from '../registry';
import { like, paged, sleep } from '../registry';
import { listAnswer, vmResponse } from '../responses';
import type { Simulator } from '../simulator';
import { type LabNic, type LabVm, nextDbId } from '../state';
import { formatDate } from '../time';

const CMD = 'org.apache.cloudstack.api.command.admin.vm';
// ParamProcessWorker.translateUuidToInternalId resolves a uuid with findByUuidIncludingRemoved: an expunged VM's id
// is still valid; the service then finds no VM (listVirtualMachines: an empty list, other commands: an error)
export const vmExists = (sim: Simulator) => (id: string) =>
  sim.state.vms.some((v) => v.id === id) || sim.state.expungedVmIds.includes(id);
export const findVm = (sim: Simulator, id: string | undefined): LabVm => {
  const vm = sim.state.vms.find((v) => v.id === id);
  if (!vm) throw invalidParameterValue(`unable to find a virtual machine with id ${id}`);
  return vm;
};
export const vmLabel = (vm: LabVm) => `VM[User|i-2-${vm.dbId}-VM]`;

/** UserVmManagerImpl.checkNameForRFCCompliance */
const HOSTNAME = /^[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

interface NicRequest {
  networkId: string;
  ip?: string;
  ipv6?: string;
  mac?: string;
}

/** DeployVMCmd.getNetworkIds / getIpToNetworkMap */
function nicRequests(sim: Simulator, p: ParsedParams): NicRequest[] {
  const map = p.map('iptonetworklist');
  const networkIds = p.list('networkids');
  if (map && (networkIds || p.str('ipaddress') || p.str('ip6address')))
    throw invalidParameterValue("ipToNetworkMap can't be specified along with networkIds or ipAddress");
  if (map) {
    return map.map((entry) => {
      const id = entry.networkid ?? '';
      if (!sim.state.networks.some((n) => n.id === id))
        throw invalidParameterValue(`Unable to translate and find entity with networkId: ${id}`);
      return { networkId: id, ip: entry.ip, ipv6: entry.ipv6, mac: entry.mac };
    });
  }
  const ids = networkIds ?? [sim.state.networks[0]?.id ?? ''];
  return ids.map((id, i) =>
    i === 0 ? { networkId: id, ip: p.str('ipaddress'), ipv6: p.str('ip6address') } : { networkId: id },
  );
}

function allocateNics(sim: Simulator, requests: NicRequest[]): LabNic[] {
  const taken = new Set<string>();
  return requests.map((req, i) => {
    const net = sim.state.networks.find((n) => n.id === req.networkId);
    if (!net) throw invalidParameterValue(`Unable to translate and find entity with networkId: ${req.networkId}`);
    checkRequestedIpv4(req.ip);
    const ip = takeIpv4(sim.state, net, req.ip, taken);
    if (!ip) throw insufficientAddressCapacity();
    taken.add(ip);
    const mac = req.mac ?? nextMac(net);
    const ip6 = ipv6For(net, req.ipv6, mac);
    return {
      id: randomUUID(),
      networkid: net.id,
      ipaddress: ip,
      ...(ip6 ? { ip6address: ip6 } : {}),
      macaddress: mac,
      isdefault: i === 0,
      deviceid: i,
      secondaryips: [],
    };
  });
}

function checkHostname(sim: Simulator, name: string, nics: NicRequest[]): void {
  if (!HOSTNAME.test(name)) {
    throw invalidParameterValue(
      "Invalid name. Vm name can contain ASCII letters 'a' through 'z', the digits '0' through '9', and the hyphen ('-'), must be between 1 and 63 characters long, and can't start or end with \"-\" and can't start with digit",
    );
  }
  for (const req of nics) {
    const clash = sim.state.vms.some(
      (vm) => vm.state !== 'Destroyed' && vm.name === name && vm.nics.some((n) => n.networkid === req.networkId),
    );
    const net = sim.state.networks.find((n) => n.id === req.networkId);
    if (clash)
      throw invalidParameterValue(
        `The vm with hostName ${name} already exists in the network domain: cs1cloud.internal; network=${net?.name ?? '<unknown>'}`,
      );
  }
}

/** Starting -> Running after a short delay; a deploy fault ends in Error like a failed deployment plan. */
async function bootVm(sim: Simulator, vm: LabVm, failDeploy: boolean): Promise<void> {
  vm.state = 'Starting';
  sim.changed();
  await sleep(sim.options.vmTransitionMs);
  if (failDeploy) {
    vm.state = 'Error';
    sim.changed();
    throw new ApiError(533, `Unable to create a deployment for ${vmLabel(vm)}`, CS.ServerApiException);
  }
  vm.state = 'Running';
  // CloudStack creates the ROOT volume at the first start, not at a deploy with startvm=false
  // (its volume stays Allocated until then); from the template, which must still be there
  const template = sim.state.templates.find((t) => t.id === vm.templateid);
  // (a VM a test put into the state may have no template at all: it gets no volume)
  if (template && !sim.hasRootVolume(vm.id)) {
    if (template.removed) {
      vm.state = 'Stopped';
      sim.changed();
      throw new ApiError(
        530,
        `Unable to create a deployment for ${vmLabel(vm)}: no usable volumes`,
        CS.ServerApiException,
      );
    }
    sim.createRootVolume(vm.id, template);
  }
  // before the change is published: a silent VM's addresses must never answer, not even for a moment
  sim.powerOn(vm);
  sim.changed();
}

function deploy(ctx: CommandContext) {
  const { sim, p, user } = ctx;
  const template = sim.state.templates.find((t) => t.id === p.str('templateid'));
  if (!template || template.removed || !template.storeRefs.some((r) => r.state === 'Ready')) {
    throw invalidParameterValue(`The template ${template?.dbId ?? p.str('templateid')} is not available for use`);
  }
  const id = randomUUID();
  const name = p.str('name') ?? `VM-${id}`;
  const requests = nicRequests(sim, p);
  checkHostname(sim, name, requests);
  const vm: LabVm = {
    id,
    dbId: nextDbId(sim.state),
    name,
    displayname: p.str('displayname') ?? name,
    state: 'Stopped',
    zoneid: sim.state.zone.id,
    templateid: template.id,
    serviceofferingid: p.str('serviceofferingid') ?? '',
    ostypeid: template.ostypeid,
    isoid: null,
    created: formatDate(new Date()),
    accountId: user.accountId,
    nics: allocateNics(sim, requests),
  };
  sim.state.vms.push(vm);
  sim.changed();
  const start = p.bool('startvm') ?? true;
  return {
    objectId: vm.id,
    instanceType: 'VirtualMachine',
    instanceId: vm.id,
    work: async () => {
      if (start) await bootVm(sim, vm, sim.faults.takeDeployFault());
      return { virtualmachine: vmResponse(sim, vm) };
    },
  };
}

function vmJob(
  name: string,
  cls: string,
  work: (sim: Simulator, vm: LabVm, p: ParsedParams) => Promise<void>,
  extra: { name: string; type: 'boolean' }[] = [],
): CommandDef {
  return {
    name,
    cmdClass: `${CMD}.${cls}`,
    params: (sim) => [{ name: 'id', type: 'uuid', required: true, exists: vmExists(sim) }, ...extra],
    start: ({ sim, p }) => {
      const vm = findVm(sim, p.str('id'));
      return {
        instanceType: 'VirtualMachine',
        instanceId: vm.id,
        work: async () => (await work(sim, vm, p), { virtualmachine: vmResponse(sim, vm) }),
      };
    },
  };
}

async function stop(sim: Simulator, vm: LabVm): Promise<void> {
  if (vm.state !== 'Running') return;
  vm.state = 'Stopping';
  sim.changed();
  await sim.powerOff(vm);
  await sleep(sim.options.vmTransitionMs);
  vm.state = 'Stopped';
  sim.changed();
}

export const vmCommands: CommandDef[] = [
  {
    name: 'deployVirtualMachine',
    cmdClass: `${CMD}.DeployVMCmdByAdmin`,
    params: (sim) => [
      {
        name: 'serviceofferingid',
        type: 'uuid',
        required: true,
        exists: (id) => sim.state.serviceOfferings.some((o) => o.id === id),
      },
      {
        name: 'templateid',
        type: 'uuid',
        required: true,
        exists: (id) => sim.state.templates.some((t) => t.id === id),
      },
      { name: 'zoneid', type: 'uuid', required: true, exists: (id) => id === sim.state.zone.id },
      { name: 'networkids', type: 'uuidlist', exists: (id) => sim.state.networks.some((n) => n.id === id) },
      { name: 'iptonetworklist', type: 'map' },
      { name: 'ipaddress', type: 'string' },
      { name: 'startvm', type: 'boolean' },
      { name: 'rootdisksize', type: 'long' },
    ],
    start: deploy,
  },
  vmJob('startVirtualMachine', 'StartVMCmdByAdmin', async (sim, vm) => {
    if (vm.state === 'Running') return;
    await bootVm(sim, vm, false);
  }),
  vmJob('stopVirtualMachine', 'StopVMCmdByAdmin', stop, [{ name: 'forced', type: 'boolean' }]),
  vmJob('rebootVirtualMachine', 'RebootVMCmdByAdmin', async (sim, vm) => {
    // RebootVMCmd: the service returns null for a VM that is not running
    if (vm.state !== 'Running') throw new ApiError(530, 'Failed to reboot vm instance', CS.ServerApiException);
    await stop(sim, vm);
    await bootVm(sim, vm, false);
  }),
  vmJob(
    'destroyVirtualMachine',
    'DestroyVMCmdByAdmin',
    async (sim, vm, p) => {
      await stop(sim, vm);
      vm.state = 'Destroyed';
      if (p.bool('expunge')) {
        sim.state.vms = sim.state.vms.filter((v) => v.id !== vm.id);
        sim.state.expungedVmIds.push(vm.id);
      }
      sim.changed();
    },
    [{ name: 'expunge', type: 'boolean' }],
  ),
  {
    name: 'updateVirtualMachine',
    params: (sim) => [
      { name: 'id', type: 'uuid', required: true, exists: vmExists(sim) },
      { name: 'ostypeid', type: 'uuid', exists: (id) => sim.state.osTypes.some((o) => o.id === id) },
      { name: 'displayname', type: 'string' },
    ],
    run: ({ sim, p }) => {
      const vm = findVm(sim, p.str('id'));
      // UserVmManagerImpl.updateVirtualMachine refuses only Error and Expunging; the OS type applies at the next start
      if (vm.state === 'Error') throw invalidParameterValue(`Vm ${vmLabel(vm)} is not in the right state`);
      vm.ostypeid = p.str('ostypeid') ?? vm.ostypeid;
      vm.displayname = p.str('displayname') ?? vm.displayname;
      sim.changed();
      return { virtualmachine: vmResponse(sim, vm) };
    },
  },
  {
    name: 'listVirtualMachines',
    params: (sim) => [
      { name: 'id', type: 'uuid', exists: vmExists(sim) },
      { name: 'name', type: 'string' },
      { name: 'state', type: 'string' },
      { name: 'zoneid', type: 'uuid', exists: (id) => id === sim.state.zone.id },
      { name: 'listall', type: 'boolean' },
    ],
    run: ({ sim, p }) => {
      const state = p.str('state');
      // QueryManagerImpl.searchForUserVMs: name LIKE %name%
      const all = sim.state.vms.filter(
        (vm) =>
          (p.str('id') ?? vm.id) === vm.id &&
          like(vm.name, p.str('name')) &&
          (state === undefined || vm.state.toLowerCase() === state.toLowerCase()),
      );
      return listAnswer(
        'virtualmachine',
        paged(all, p).map((vm) => vmResponse(sim, vm)),
        all.length,
      );
    },
  },
];
