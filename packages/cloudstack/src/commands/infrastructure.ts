// Read-only commands about the cloud itself: zones, networks, offerings, OS
// types, global settings, image stores, capacity and the server's capabilities.
import {
  type Capabilities,
  capabilitiesSchema,
  type Capacity,
  capacitySchema,
  type Configuration,
  configurationSchema,
  type ImageStore,
  imageStoreSchema,
  type Network,
  networkSchema,
  type OsType,
  osTypeSchema,
  type ServiceOffering,
  serviceOfferingSchema,
  type Zone,
  zoneSchema,
} from '../schemas/infrastructure';
import { type CommandContext, listAll, objectIn } from './context';

export interface ListZonesInput {
  id?: string;
  name?: string;
}

export function listZones(ctx: CommandContext, input: ListZonesInput = {}): Promise<Zone[]> {
  return listAll(ctx, 'listZones', { id: input.id, name: input.name }, 'zone', zoneSchema);
}

export interface ListNetworksInput {
  zoneId?: string;
  id?: string;
  /** Shared, Isolated, L2 */
  type?: string;
  keyword?: string;
}

export function listNetworks(ctx: CommandContext, input: ListNetworksInput = {}): Promise<Network[]> {
  // listall=true: an admin sees networks of every account, not only its own
  return listAll(
    ctx,
    'listNetworks',
    { zoneid: input.zoneId, id: input.id, type: input.type, keyword: input.keyword, listall: true },
    'network',
    networkSchema,
  );
}

export interface ListServiceOfferingsInput {
  id?: string;
  name?: string;
  zoneId?: string;
}

export function listServiceOfferings(
  ctx: CommandContext,
  input: ListServiceOfferingsInput = {},
): Promise<ServiceOffering[]> {
  return listAll(
    ctx,
    'listServiceOfferings',
    { id: input.id, name: input.name, zoneid: input.zoneId },
    'serviceoffering',
    serviceOfferingSchema,
  );
}

export interface ListOsTypesInput {
  id?: string;
  description?: string;
  keyword?: string;
}

export function listOsTypes(ctx: CommandContext, input: ListOsTypesInput = {}): Promise<OsType[]> {
  return listAll(
    ctx,
    'listOsTypes',
    { id: input.id, description: input.description, keyword: input.keyword },
    'ostype',
    osTypeSchema,
  );
}

export interface ListConfigurationsInput {
  /** matched as a substring by the server (SQL LIKE %name%) */
  name?: string;
  category?: string;
  zoneId?: string;
}

export function listConfigurations(ctx: CommandContext, input: ListConfigurationsInput = {}): Promise<Configuration[]> {
  return listAll(
    ctx,
    'listConfigurations',
    { name: input.name, category: input.category, zoneid: input.zoneId },
    'configuration',
    configurationSchema,
  );
}

/** One setting by its exact name (listConfigurations matches names as substrings). */
export async function getConfiguration(
  ctx: CommandContext,
  name: string,
  zoneId?: string,
): Promise<Configuration | null> {
  const matches = await listConfigurations(ctx, { name, zoneId });
  return matches.find((c) => c.name === name) ?? null;
}

export interface ListImageStoresInput {
  zoneId?: string;
  id?: string;
  name?: string;
}

export function listImageStores(ctx: CommandContext, input: ListImageStoresInput = {}): Promise<ImageStore[]> {
  return listAll(
    ctx,
    'listImageStores',
    { zoneid: input.zoneId, id: input.id, name: input.name },
    'imagestore',
    imageStoreSchema,
  );
}

export interface ListCapacityInput {
  zoneId?: string;
  /** Capacity type: 6 = secondary storage */
  type?: number;
  /** ask the server to recompute instead of using its last stats (4.16+) */
  fetchLatest?: boolean;
}

export function listCapacity(ctx: CommandContext, input: ListCapacityInput = {}): Promise<Capacity[]> {
  return listAll(
    ctx,
    'listCapacity',
    { zoneid: input.zoneId, type: input.type, fetchlatest: input.fetchLatest },
    'capacity',
    capacitySchema,
  );
}

/** listCapabilities: the version of the management server among others. */
export async function listCapabilities(ctx: CommandContext): Promise<Capabilities> {
  const raw = await ctx.transport.call('listCapabilities', {});
  return objectIn('listCapabilities', 'capability', capabilitiesSchema, raw);
}
