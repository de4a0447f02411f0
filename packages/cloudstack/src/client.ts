// The CloudStack API as the pipeline sees it: one interface, one real
// implementation over signed HTTP (in tests it talks to the lab's simulator).
import { type JobWaitOptions, queryAsyncJobResult, waitForJob } from './async-jobs';
import { type CommandContext } from './commands/context';
import * as infra from './commands/infrastructure';
import * as templates from './commands/templates';
import * as vms from './commands/virtual-machines';
import type { AsyncJob } from './schemas/async-job';
import type {
  Capabilities,
  Capacity,
  Configuration,
  ImageStore,
  Network,
  OsType,
  ServiceOffering,
  Zone,
} from './schemas/infrastructure';
import type { Template } from './schemas/template';
import type { Nic, NicSecondaryIp, VirtualMachine, Volume } from './schemas/virtual-machine';
import { createTransport, type FetchLike } from './transport';

export interface CloudStackClient {
  listZones(input?: infra.ListZonesInput): Promise<Zone[]>;
  listNetworks(input?: infra.ListNetworksInput): Promise<Network[]>;
  listServiceOfferings(input?: infra.ListServiceOfferingsInput): Promise<ServiceOffering[]>;
  listOsTypes(input?: infra.ListOsTypesInput): Promise<OsType[]>;
  listConfigurations(input?: infra.ListConfigurationsInput): Promise<Configuration[]>;
  /** one setting by exact name, or null */
  getConfiguration(name: string, zoneId?: string): Promise<Configuration | null>;
  listImageStores(input?: infra.ListImageStoresInput): Promise<ImageStore[]>;
  listCapacity(input?: infra.ListCapacityInput): Promise<Capacity[]>;
  listCapabilities(): Promise<Capabilities>;

  registerTemplate(input: templates.RegisterTemplateInput): Promise<Template>;
  listTemplates(input?: templates.ListTemplatesInput): Promise<Template[]>;
  deleteTemplate(input: templates.DeleteTemplateInput, opts?: JobWaitOptions): Promise<void>;
  registerIso(input: templates.RegisterIsoInput): Promise<Template>;
  listIsos(input?: templates.ListIsosInput): Promise<Template[]>;

  deployVirtualMachine(input: vms.DeployVirtualMachineInput, opts?: JobWaitOptions): Promise<VirtualMachine>;
  startVirtualMachine(input: { id: string }, opts?: JobWaitOptions): Promise<VirtualMachine>;
  stopVirtualMachine(input: { id: string; forced?: boolean }, opts?: JobWaitOptions): Promise<VirtualMachine>;
  rebootVirtualMachine(input: { id: string }, opts?: JobWaitOptions): Promise<VirtualMachine>;
  destroyVirtualMachine(input: { id: string; expunge?: boolean }, opts?: JobWaitOptions): Promise<VirtualMachine>;
  updateVirtualMachine(input: vms.UpdateVirtualMachineInput): Promise<VirtualMachine>;
  /** `name` matches as a substring on the server; see findVirtualMachineByName */
  listVirtualMachines(input?: vms.ListVirtualMachinesInput): Promise<VirtualMachine[]>;
  /** the live (not destroyed) VM with exactly this name, or null */
  findVirtualMachineByName(name: string): Promise<VirtualMachine | null>;
  addIpToNic(input: { nicId: string; ipAddress: string }, opts?: JobWaitOptions): Promise<NicSecondaryIp>;
  listNics(input: { virtualMachineId: string; networkId?: string; nicId?: string }): Promise<Nic[]>;
  listVolumes(input: { virtualMachineId: string; type?: 'ROOT' | 'DATADISK' }): Promise<Volume[]>;
  attachIso(input: { id: string; virtualMachineId: string }, opts?: JobWaitOptions): Promise<VirtualMachine>;
  detachIso(input: { virtualMachineId: string }, opts?: JobWaitOptions): Promise<VirtualMachine>;

  queryAsyncJobResult(jobId: string): Promise<AsyncJob>;
  /** resume waiting for a job whose id was recorded earlier; returns its jobresult */
  waitForJob(jobId: string, opts?: JobWaitOptions & { command?: string }): Promise<unknown>;
}

export interface CloudStackClientOptions {
  /** e.g. http://cloudstack.example:8080/client/api */
  endpoint: string;
  apiKey: string;
  secretKey: string;
  /** per HTTP request; default 30 s */
  timeoutMs?: number;
  fetch?: FetchLike;
  /** defaults for every async job wait */
  jobs?: JobWaitOptions;
  /** attempts for reads on connection errors (default 4) and the first back-off (default 250 ms) */
  readAttempts?: number;
  retryBaseDelayMs?: number;
  /** above this many characters of query a call is a form POST; default 2000 */
  maxGetQueryLength?: number;
  /** signature lifetime (signatureversion=3 expires); default 300 s */
  expiresInSeconds?: number;
}

export function createCloudStackClient(opts: CloudStackClientOptions): CloudStackClient {
  const transport = createTransport(opts);
  const ctx: CommandContext = { transport, jobDefaults: opts.jobs ?? {} };
  return {
    listZones: (input) => infra.listZones(ctx, input),
    listNetworks: (input) => infra.listNetworks(ctx, input),
    listServiceOfferings: (input) => infra.listServiceOfferings(ctx, input),
    listOsTypes: (input) => infra.listOsTypes(ctx, input),
    listConfigurations: (input) => infra.listConfigurations(ctx, input),
    getConfiguration: (name, zoneId) => infra.getConfiguration(ctx, name, zoneId),
    listImageStores: (input) => infra.listImageStores(ctx, input),
    listCapacity: (input) => infra.listCapacity(ctx, input),
    listCapabilities: () => infra.listCapabilities(ctx),
    registerTemplate: (input) => templates.registerTemplate(ctx, input),
    listTemplates: (input) => templates.listTemplates(ctx, input),
    deleteTemplate: (input, o) => templates.deleteTemplate(ctx, input, o),
    registerIso: (input) => templates.registerIso(ctx, input),
    listIsos: (input) => templates.listIsos(ctx, input),
    deployVirtualMachine: (input, o) => vms.deployVirtualMachine(ctx, input, o),
    startVirtualMachine: (input, o) => vms.startVirtualMachine(ctx, input, o),
    stopVirtualMachine: (input, o) => vms.stopVirtualMachine(ctx, input, o),
    rebootVirtualMachine: (input, o) => vms.rebootVirtualMachine(ctx, input, o),
    destroyVirtualMachine: (input, o) => vms.destroyVirtualMachine(ctx, input, o),
    updateVirtualMachine: (input) => vms.updateVirtualMachine(ctx, input),
    listVirtualMachines: (input) => vms.listVirtualMachines(ctx, input),
    findVirtualMachineByName: (name) => vms.findVirtualMachineByName(ctx, name),
    addIpToNic: (input, o) => vms.addIpToNic(ctx, input, o),
    listNics: (input) => vms.listNics(ctx, input),
    listVolumes: (input) => vms.listVolumes(ctx, input),
    attachIso: (input, o) => vms.attachIso(ctx, input, o),
    detachIso: (input, o) => vms.detachIso(ctx, input, o),
    queryAsyncJobResult: (jobId) => queryAsyncJobResult(transport, jobId),
    waitForJob: (jobId, o = {}) =>
      waitForJob(transport, o.command ?? 'queryAsyncJobResult', jobId, { ...ctx.jobDefaults, ...o }),
  };
}
