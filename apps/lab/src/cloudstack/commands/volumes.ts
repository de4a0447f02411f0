// listVolumes, for the ROOT volume of each VM (VolumeResponse's fields; the
// lab has no data disks). A VM deployed with startvm=false has a volume row
// in state Allocated and nothing on primary storage; its first start creates
// the volume from the template (state Ready), which then outlives the
// template (apache/cloudstack#6373, VolumeOrchestrator). The pipeline asks
// this before it starts a staged VM once to make that volume.
import { createHash } from 'node:crypto';
import type { CommandDef } from '../registry';
import { paged } from '../registry';
import { listAnswer } from '../responses';
import type { Simulator } from '../simulator';
import type { LabVm } from '../state';
import { vmExists } from './vms';

/** the ROOT volume's uuid: stable per VM (the lab keeps no volume rows) */
function volumeId(vm: LabVm): string {
  const h = createHash('sha256').update(`ROOT volume of ${vm.id}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Ready once the VM's first start made it on primary storage (or the VM runs: one a test put there) */
function volumeReady(sim: Simulator, vm: LabVm): boolean {
  return sim.hasRootVolume(vm.id) || ['Starting', 'Running', 'Stopping'].includes(vm.state);
}

function volumeResponse(sim: Simulator, vm: LabVm): Record<string, unknown> {
  const template = sim.state.templates.find((t) => t.id === vm.templateid);
  const ready = volumeReady(sim, vm);
  return {
    id: volumeId(vm),
    name: `ROOT-${vm.dbId}`,
    zoneid: vm.zoneid,
    zonename: sim.state.zone.name,
    type: 'ROOT',
    deviceid: 0,
    virtualmachineid: vm.id,
    vmname: vm.name,
    vmdisplayname: vm.displayname,
    vmstate: vm.state,
    vmtype: 'User',
    templateid: vm.templateid,
    templatename: template?.name,
    provisioningtype: 'thin',
    size: template?.storeRefs[0]?.size ?? 0,
    created: vm.created,
    state: ready ? 'Ready' : 'Allocated',
    account: 'admin',
    domainid: sim.state.domain.id,
    domain: sim.state.domain.name,
    storagetype: 'shared',
    hypervisor: ready ? 'KVM' : 'None',
    destroyed: false,
    isextractable: true,
    displayvolume: true,
    ...(ready ? { storage: 'lab-primary', path: volumeId(vm) } : {}),
    tags: [],
  };
}

export const volumeCommands: CommandDef[] = [
  {
    name: 'listVolumes',
    params: (sim) => [
      { name: 'id', type: 'uuid' },
      { name: 'virtualmachineid', type: 'uuid', exists: vmExists(sim) },
      { name: 'type', type: 'string' },
      { name: 'zoneid', type: 'uuid', exists: (id) => id === sim.state.zone.id },
      { name: 'listall', type: 'boolean' },
    ],
    run: ({ sim, p }) => {
      const type = p.str('type');
      const all = sim.state.vms.filter(
        (vm) =>
          (p.str('virtualmachineid') ?? vm.id) === vm.id &&
          (p.str('id') ?? volumeId(vm)) === volumeId(vm) &&
          (type === undefined || type.toUpperCase() === 'ROOT'),
      );
      return listAnswer(
        'volume',
        paged(all, p).map((vm) => volumeResponse(sim, vm)),
        all.length,
      );
    },
  },
];
