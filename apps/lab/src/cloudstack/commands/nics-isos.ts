// addIpToNic, listNics, attachIso, detachIso.
import { randomUUID } from 'node:crypto';
import { ApiError, CS, internalError, invalidParameterValue } from '../api-error';
import { takeIpv4 } from '../ip-allocation';
import { isIpv4 } from '../ip-math';
import type { CommandDef } from '../registry';
import { paged } from '../registry';
import { listAnswer, nicResponse, vmResponse } from '../responses';
import type { Simulator } from '../simulator';
import type { LabNic, LabVm } from '../state';
import { findVm, vmExists } from './vms';

function findNic(sim: Simulator, nicId: string | undefined): { vm: LabVm; nic: LabNic } | null {
  for (const vm of sim.state.vms) {
    const nic = vm.nics.find((n) => n.id === nicId);
    if (nic) return { vm, nic };
  }
  return null;
}

const isoCmd = (cls: string) => `org.apache.cloudstack.api.command.user.iso.${cls}`;

export const nicIsoCommands: CommandDef[] = [
  {
    name: 'addIpToNic',
    cmdClass: 'org.apache.cloudstack.api.command.user.vm.AddIpToVmNicCmd',
    params: (sim) => [
      { name: 'nicid', type: 'uuid', required: true, exists: (id) => findNic(sim, id) !== null },
      { name: 'ipaddress', type: 'string' },
    ],
    start: ({ sim, p }) => {
      const found = findNic(sim, p.str('nicid'));
      if (!found) throw invalidParameterValue("Can't find Network ID for specified NIC");
      const net = sim.state.networks.find((n) => n.id === found.nic.networkid);
      const requested = p.str('ipaddress');
      // NicSecondaryIpService.allocateSecondaryGuestIP on a shared network: an address that is
      // taken or outside the ranges makes allocatePublicIpForGuestNic fail, and AddIpToVmNicCmd.create says:
      const ip = net && (requested === undefined || isIpv4(requested)) ? takeIpv4(sim.state, net, requested) : null;
      if (!ip) throw new ApiError(530, 'Failed to assign secondary IP to NIC', CS.ServerApiException);
      const secondary = { id: randomUUID(), ipaddress: ip };
      found.nic.secondaryips.push(secondary);
      sim.changed();
      return {
        objectId: secondary.id,
        instanceType: 'IpAddress',
        instanceId: secondary.id,
        work: async () => ({
          nicsecondaryip: {
            id: secondary.id,
            ipaddress: ip,
            nicid: found.nic.id,
            networkid: found.nic.networkid,
            virtualmachineid: found.vm.id,
          },
        }),
      };
    },
  },
  {
    name: 'listNics',
    params: (sim) => [
      { name: 'virtualmachineid', type: 'uuid', required: true, exists: vmExists(sim) },
      { name: 'nicid', type: 'uuid', exists: (id) => findNic(sim, id) !== null },
      { name: 'networkid', type: 'uuid', exists: (id) => sim.state.networks.some((n) => n.id === id) },
    ],
    run: ({ sim, p }) => {
      const vm = findVm(sim, p.str('virtualmachineid'));
      const nics = vm.nics.filter(
        (n) => (p.str('nicid') ?? n.id) === n.id && (p.str('networkid') ?? n.networkid) === n.networkid,
      );
      return listAnswer(
        'nic',
        paged(nics, p).map((n) => nicResponse(sim, vm, n, true)),
        nics.length,
      );
    },
  },
  {
    name: 'attachIso',
    cmdClass: isoCmd('AttachIsoCmd'),
    params: (sim) => [
      { name: 'id', type: 'uuid', required: true, exists: (id) => sim.state.templates.some((t) => t.id === id) },
      { name: 'virtualmachineid', type: 'uuid', required: true, exists: vmExists(sim) },
    ],
    start: ({ sim, p }) => {
      const vm = findVm(sim, p.str('virtualmachineid'));
      const iso = sim.state.templates.find((t) => t.id === p.str('id'));
      return {
        instanceType: 'VirtualMachine',
        instanceId: vm.id,
        // TemplateManagerImpl.attachIso
        work: async () => {
          if (!iso || iso.removed || iso.kind !== 'iso')
            throw invalidParameterValue(`Unable to find an ISO with id ${iso?.dbId ?? p.str('id')}`);
          if (vm.state !== 'Running' && vm.state !== 'Stopped')
            throw invalidParameterValue('Please specify a VM that is either Stopped or Running.');
          if (!iso.storeRefs.some((r) => r.state === 'Ready')) throw internalError('Failed to attach iso');
          vm.isoid = iso.id;
          sim.changed();
          return { virtualmachine: vmResponse(sim, vm) };
        },
      };
    },
  },
  {
    name: 'detachIso',
    cmdClass: isoCmd('DetachIsoCmd'),
    params: (sim) => [{ name: 'virtualmachineid', type: 'uuid', required: true, exists: vmExists(sim) }],
    start: ({ sim, p }) => {
      const vm = findVm(sim, p.str('virtualmachineid'));
      return {
        instanceType: 'VirtualMachine',
        instanceId: vm.id,
        work: async () => {
          if (!vm.isoid) throw invalidParameterValue('The specified VM has no ISO attached to it.');
          vm.isoid = null;
          sim.changed();
          return { virtualmachine: vmResponse(sim, vm) };
        },
      };
    },
  },
];
