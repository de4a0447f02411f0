// Virtual machines, their NICs and ISOs. Every state change is an async job;
// updateVirtualMachine is synchronous.
import type { JobWaitOptions } from '../async-jobs';
import { type CommandParams, detailsParam } from '../params';
import {
  type Nic,
  nicSchema,
  type NicSecondaryIp,
  nicSecondaryIpSchema,
  type VirtualMachine,
  virtualMachineSchema,
  type Volume,
  volumeSchema,
} from '../schemas/virtual-machine';
import { type CommandContext, jobObject, listAll, objectIn, runAsync } from './context';

export interface IpToNetwork {
  networkId: string;
  /** IPv4 address to take on that network */
  ip?: string;
  ipv6?: string;
  mac?: string;
}

export interface DeployVirtualMachineInput {
  zoneId: string;
  serviceOfferingId: string;
  templateId: string;
  name?: string;
  displayName?: string;
  /** one NIC per network, in order, the first is the default; or use ipToNetworkList */
  networkIds?: string[];
  /** one NIC per entry with its requested IP (DeployVMCmd iptonetworklist) */
  ipToNetworkList?: IpToNetwork[];
  /** IP on the default network, with networkIds only */
  ipAddress?: string;
  /** default true */
  startVm?: boolean;
  /** GB */
  rootDiskSize?: number;
  keyPair?: string;
  hypervisor?: string;
  details?: Record<string, string>;
}

function deployParams(input: DeployVirtualMachineInput): CommandParams {
  return {
    zoneid: input.zoneId,
    serviceofferingid: input.serviceOfferingId,
    templateid: input.templateId,
    name: input.name,
    displayname: input.displayName,
    networkids: input.networkIds,
    iptonetworklist: input.ipToNetworkList?.map((entry) => ({
      networkid: entry.networkId,
      ip: entry.ip,
      ipv6: entry.ipv6,
      mac: entry.mac,
    })),
    ipaddress: input.ipAddress,
    startvm: input.startVm,
    rootdisksize: input.rootDiskSize,
    keypair: input.keyPair,
    hypervisor: input.hypervisor,
    details: detailsParam(input.details),
  };
}

export async function deployVirtualMachine(
  ctx: CommandContext,
  input: DeployVirtualMachineInput,
  opts?: JobWaitOptions,
): Promise<VirtualMachine> {
  const { result } = await runAsync(ctx, 'deployVirtualMachine', deployParams(input), opts);
  return jobObject('deployVirtualMachine', 'virtualmachine', virtualMachineSchema, result);
}

async function vmJob(
  ctx: CommandContext,
  command: string,
  params: CommandParams,
  opts?: JobWaitOptions,
): Promise<VirtualMachine> {
  const { result } = await runAsync(ctx, command, params, opts);
  return jobObject(command, 'virtualmachine', virtualMachineSchema, result);
}

export function startVirtualMachine(
  ctx: CommandContext,
  input: { id: string },
  opts?: JobWaitOptions,
): Promise<VirtualMachine> {
  return vmJob(ctx, 'startVirtualMachine', { id: input.id }, opts);
}

export function stopVirtualMachine(
  ctx: CommandContext,
  input: { id: string; forced?: boolean },
  opts?: JobWaitOptions,
): Promise<VirtualMachine> {
  return vmJob(ctx, 'stopVirtualMachine', { id: input.id, forced: input.forced }, opts);
}

export function rebootVirtualMachine(
  ctx: CommandContext,
  input: { id: string },
  opts?: JobWaitOptions,
): Promise<VirtualMachine> {
  return vmJob(ctx, 'rebootVirtualMachine', { id: input.id }, opts);
}

export interface UpdateVirtualMachineInput {
  id: string;
  /** the guest OS type: how a legacy guest moves from an IDE-era type to a virtio one */
  osTypeId?: string;
  displayName?: string;
}

export async function updateVirtualMachine(
  ctx: CommandContext,
  input: UpdateVirtualMachineInput,
): Promise<VirtualMachine> {
  const raw = await ctx.transport.call('updateVirtualMachine', {
    id: input.id,
    ostypeid: input.osTypeId,
    displayname: input.displayName,
  });
  return objectIn('updateVirtualMachine', 'virtualmachine', virtualMachineSchema, raw);
}

export interface ListVirtualMachinesInput {
  id?: string;
  /** exact VM name */
  name?: string;
  zoneId?: string;
  state?: string;
}

export function listVirtualMachines(
  ctx: CommandContext,
  input: ListVirtualMachinesInput = {},
): Promise<VirtualMachine[]> {
  const params = { id: input.id, name: input.name, zoneid: input.zoneId, state: input.state, listall: true };
  return listAll(ctx, 'listVirtualMachines', params, 'virtualmachine', virtualMachineSchema);
}

export function destroyVirtualMachine(
  ctx: CommandContext,
  input: { id: string; expunge?: boolean },
  opts?: JobWaitOptions,
): Promise<VirtualMachine> {
  return vmJob(ctx, 'destroyVirtualMachine', { id: input.id, expunge: input.expunge }, opts);
}

/**
 * The VM with exactly this name, or null. listVirtualMachines matches `name`
 * as a substring (QueryManagerImpl: LIKE %name%), so "ct-1" also finds "ct-10".
 */
export async function findVirtualMachineByName(ctx: CommandContext, name: string): Promise<VirtualMachine | null> {
  const candidates = await listVirtualMachines(ctx, { name });
  const exact = candidates.filter((vm) => vm.name === name && vm.state !== 'Destroyed' && vm.state !== 'Expunging');
  return exact[0] ?? null;
}

export async function addIpToNic(
  ctx: CommandContext,
  input: { nicId: string; ipAddress: string },
  opts?: JobWaitOptions,
): Promise<NicSecondaryIp> {
  const { result } = await runAsync(ctx, 'addIpToNic', { nicid: input.nicId, ipaddress: input.ipAddress }, opts);
  return jobObject('addIpToNic', 'nicsecondaryip', nicSecondaryIpSchema, result);
}

export function listNics(
  ctx: CommandContext,
  input: { virtualMachineId: string; networkId?: string; nicId?: string },
): Promise<Nic[]> {
  const params = { virtualmachineid: input.virtualMachineId, networkid: input.networkId, nicid: input.nicId };
  return listAll(ctx, 'listNics', params, 'nic', nicSchema);
}

/** The volumes of a VM (type ROOT: its root disk); a VM that was never started has its ROOT volume Allocated. */
export function listVolumes(
  ctx: CommandContext,
  input: { virtualMachineId: string; type?: 'ROOT' | 'DATADISK' },
): Promise<Volume[]> {
  const params = { virtualmachineid: input.virtualMachineId, type: input.type, listall: true };
  return listAll(ctx, 'listVolumes', params, 'volume', volumeSchema);
}

export function attachIso(
  ctx: CommandContext,
  input: { id: string; virtualMachineId: string },
  opts?: JobWaitOptions,
): Promise<VirtualMachine> {
  return vmJob(ctx, 'attachIso', { id: input.id, virtualmachineid: input.virtualMachineId }, opts);
}

export function detachIso(
  ctx: CommandContext,
  input: { virtualMachineId: string },
  opts?: JobWaitOptions,
): Promise<VirtualMachine> {
  return vmJob(ctx, 'detachIso', { virtualmachineid: input.virtualMachineId }, opts);
}
