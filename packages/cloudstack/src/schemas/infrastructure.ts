// Zones, networks, offerings, OS types, settings, image stores and capacity
// (field names: apache/cloudstack api/.../response/*Response.java, as
// CloudStack 4.18's listApis lists them: docs/platforms.md, "listApis").
import { z } from 'zod';
import { booleanish, idish, numberish } from './common';

export const zoneSchema = z.looseObject({
  id: idish,
  name: z.string(),
  networktype: z.string().optional(),
  allocationstate: z.string().optional(),
  dns1: z.string().optional(),
  securitygroupsenabled: booleanish.optional(),
});
export type Zone = z.infer<typeof zoneSchema>;

export const networkSchema = z.looseObject({
  id: idish,
  name: z.string(),
  displaytext: z.string().optional(),
  zoneid: idish.optional(),
  type: z.string().optional(),
  traffictype: z.string().optional(),
  cidr: z.string().optional(),
  gateway: z.string().optional(),
  netmask: z.string().optional(),
  vlan: z.string().optional(),
  ip6cidr: z.string().optional(),
  ip6gateway: z.string().optional(),
  state: z.string().optional(),
  canusefordeploy: booleanish.optional(),
});
export type Network = z.infer<typeof networkSchema>;

export const serviceOfferingSchema = z.looseObject({
  id: idish,
  name: z.string(),
  displaytext: z.string().optional(),
  cpunumber: numberish,
  /** MHz */
  cpuspeed: numberish.optional(),
  /** MB */
  memory: numberish,
  issystem: booleanish.optional(),
  iscustomized: booleanish.optional(),
  storagetype: z.string().optional(),
});
export type ServiceOffering = z.infer<typeof serviceOfferingSchema>;

export const osTypeSchema = z.looseObject({
  id: idish,
  description: z.string(),
  oscategoryid: idish.optional(),
  isuserdefined: booleanish.optional(),
});
export type OsType = z.infer<typeof osTypeSchema>;

export const configurationSchema = z.looseObject({
  name: z.string(),
  /** absent when the setting has no value (e.g. secstorage.service.offering) */
  value: z.string().optional(),
  category: z.string().optional(),
  description: z.string().optional(),
  scope: z.string().optional(),
  defaultvalue: z.string().optional(),
  isdynamic: booleanish.optional(),
});
export type Configuration = z.infer<typeof configurationSchema>;

export const imageStoreSchema = z.looseObject({
  id: idish,
  name: z.string(),
  url: z.string().optional(),
  protocol: z.string().optional(),
  providername: z.string().optional(),
  zoneid: idish.optional(),
  zonename: z.string().optional(),
  scope: z.string().optional(),
  readonly: booleanish.optional(),
  /** bytes; present once the storage stats collector has run */
  disksizetotal: numberish.optional(),
  disksizeused: numberish.optional(),
});
export type ImageStore = z.infer<typeof imageStoreSchema>;

/** Capacity types of listCapacity (Capacity.java): 6 is secondary storage. */
export const CAPACITY_TYPE_SECONDARY_STORAGE = 6;

export const capacitySchema = z.looseObject({
  type: numberish,
  name: z.string().optional(),
  zoneid: idish.optional(),
  zonename: z.string().optional(),
  capacitytotal: numberish,
  capacityused: numberish,
  capacityallocated: numberish.optional(),
  /** a string with up to two decimals ("45.12") on real servers */
  percentused: numberish.optional(),
});
export type Capacity = z.infer<typeof capacitySchema>;

/** CapabilitiesResponse (listCapabilities, object "capability") */
export const capabilitiesSchema = z.looseObject({
  /** "4.18.0.0" */
  cloudstackversion: z.string(),
  securitygroupsenabled: booleanish.optional(),
});
export type Capabilities = z.infer<typeof capabilitiesSchema>;
