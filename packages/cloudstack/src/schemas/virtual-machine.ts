// UserVmResponse and NicResponse (apache/cloudstack api/.../response/).
import { z } from 'zod';
import { booleanish, idish, numberish } from './common';

export const secondaryIpSchema = z.looseObject({
  id: idish,
  ipaddress: z.string().optional(),
  ip6address: z.string().optional(),
});

export const nicSchema = z.looseObject({
  id: idish,
  networkid: idish,
  networkname: z.string().optional(),
  ipaddress: z.string().optional(),
  ip6address: z.string().optional(),
  netmask: z.string().optional(),
  gateway: z.string().optional(),
  macaddress: z.string().optional(),
  isdefault: booleanish.optional(),
  type: z.string().optional(),
  traffictype: z.string().optional(),
  broadcasturi: z.string().optional(),
  /** a string on real servers ("0") */
  deviceid: numberish.optional(),
  virtualmachineid: idish.optional(),
  secondaryip: z.array(secondaryIpSchema).optional(),
});
export type Nic = z.infer<typeof nicSchema>;

/** VirtualMachine.State values a VM passes through. */
export const VM_STATES = [
  'Starting',
  'Running',
  'Stopping',
  'Stopped',
  'Destroyed',
  'Expunging',
  'Migrating',
  'Error',
  'Unknown',
  'Shutdown',
] as const;

export const virtualMachineSchema = z.looseObject({
  id: idish,
  name: z.string(),
  displayname: z.string().optional(),
  state: z.string(),
  zoneid: idish.optional(),
  templateid: idish.optional(),
  serviceofferingid: idish.optional(),
  ostypeid: idish.optional(),
  guestosid: idish.optional(),
  osdisplayname: z.string().optional(),
  isoid: idish.optional(),
  isoname: z.string().optional(),
  instancename: z.string().optional(),
  hostname: z.string().optional(),
  cpunumber: numberish.optional(),
  memory: numberish.optional(),
  created: z.string().optional(),
  nic: z
    .array(nicSchema)
    .optional()
    .transform((nics) => nics ?? []),
});
export type VirtualMachine = z.infer<typeof virtualMachineSchema>;

/** NicSecondaryIpResponse, the job result of addIpToNic ("nicsecondaryip"). */
export const nicSecondaryIpSchema = z.looseObject({
  id: idish,
  ipaddress: z.string().optional(),
  ip6address: z.string().optional(),
  nicid: idish.optional(),
  networkid: idish.optional(),
  virtualmachineid: idish.optional(),
});
export type NicSecondaryIp = z.infer<typeof nicSecondaryIpSchema>;

/**
 * A disk volume (listVolumes; VolumeResponse). `state` is Volume.State:
 * Allocated while a VM deployed with startvm=false has never started (no
 * bytes on primary storage), Ready once its first start created it.
 */
export const volumeSchema = z.looseObject({
  id: idish,
  name: z.string().optional(),
  type: z.string().optional(),
  state: z.string(),
  virtualmachineid: idish.optional(),
  size: numberish.optional(),
});
export type Volume = z.infer<typeof volumeSchema>;
