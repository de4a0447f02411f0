// The simulated CloudStack's database: one JSON document under the lab dir,
// validated on load, written atomically (temp file + rename) after changes.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  apiKey: z.string(),
  secretKey: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  domainId: z.string(),
  enabled: z.boolean(),
});

const ipRangeSchema = z.object({ start: z.string(), end: z.string() });

const networkSchema = z.object({
  id: z.string(),
  dbId: z.number(),
  name: z.string(),
  displaytext: z.string(),
  cidr: z.string(),
  gateway: z.string(),
  vlan: z.string(),
  ipRanges: z.array(ipRangeSchema),
  ip6cidr: z.string().optional(),
  ip6gateway: z.string().optional(),
  /** last MAC sequence number handed out on this network (NetworkDaoImpl.getNextAvailableMacAddress) */
  macSeq: z.number(),
});

const serviceOfferingSchema = z.object({
  id: z.string(),
  name: z.string(),
  displaytext: z.string(),
  cpunumber: z.number(),
  cpuspeed: z.number(),
  memory: z.number(),
  created: z.string(),
});

const osCategorySchema = z.object({ id: z.string(), name: z.string() });
const osTypeSchema = z.object({ id: z.string(), dbId: z.number(), description: z.string(), oscategoryid: z.string() });

const configurationSchema = z.object({
  name: z.string(),
  value: z.string().nullable(),
  defaultvalue: z.string().nullable(),
  category: z.string(),
  description: z.string(),
  isdynamic: z.boolean(),
  type: z.string(),
});

const imageStoreSchema = z.object({
  id: z.string(),
  dbId: z.number(),
  name: z.string(),
  url: z.string(),
  /** simulated disk: its size and what is on it besides our templates */
  totalBytes: z.number(),
  baseUsedBytes: z.number(),
  readonly: z.boolean(),
});

export const DOWNLOAD_STATES = [
  'NOT_DOWNLOADED',
  'DOWNLOAD_IN_PROGRESS',
  'DOWNLOADED',
  'DOWNLOAD_ERROR',
  'ABANDONED',
] as const;

const storeRefSchema = z.object({
  storeId: z.string(),
  downloadState: z.enum(DOWNLOAD_STATES),
  downloadPercent: z.number(),
  /** template_store_ref.error_str: the secondary storage VM's last message */
  errorString: z.string().nullable(),
  /** ObjectInDataStoreStateMachine.State */
  state: z.enum(['Allocated', 'Creating', 'Ready', 'Failed', 'Destroyed']),
  installPath: z.string().nullable(),
  size: z.number(),
  physicalSize: z.number(),
  downloadedBytes: z.number(),
});

const templateSchema = z.object({
  id: z.string(),
  dbId: z.number(),
  kind: z.enum(['template', 'iso']),
  name: z.string(),
  displaytext: z.string(),
  url: z.string(),
  format: z.string(),
  hypervisor: z.string(),
  ostypeid: z.string(),
  zoneid: z.string(),
  ispublic: z.boolean(),
  isfeatured: z.boolean(),
  isextractable: z.boolean(),
  passwordenabled: z.boolean(),
  sshkeyenabled: z.boolean(),
  requireshvm: z.boolean(),
  bootable: z.boolean(),
  isdynamicallyscalable: z.boolean(),
  directdownload: z.boolean(),
  checksum: z.string().nullable(),
  details: z.record(z.string(), z.string()),
  created: z.string(),
  removed: z.string().nullable(),
  accountId: z.string(),
  storeRefs: z.array(storeRefSchema),
});

const nicSchema = z.object({
  id: z.string(),
  networkid: z.string(),
  ipaddress: z.string(),
  ip6address: z.string().optional(),
  macaddress: z.string(),
  isdefault: z.boolean(),
  deviceid: z.number(),
  secondaryips: z.array(z.object({ id: z.string(), ipaddress: z.string() })),
});

export const VM_STATES = ['Starting', 'Running', 'Stopping', 'Stopped', 'Error', 'Destroyed'] as const;

const vmSchema = z.object({
  id: z.string(),
  dbId: z.number(),
  name: z.string(),
  displayname: z.string(),
  state: z.enum(VM_STATES),
  zoneid: z.string(),
  templateid: z.string(),
  serviceofferingid: z.string(),
  ostypeid: z.string(),
  isoid: z.string().nullable(),
  created: z.string(),
  accountId: z.string(),
  nics: z.array(nicSchema),
});

const jobSchema = z.object({
  id: z.string(),
  cmd: z.string(),
  userId: z.string(),
  accountId: z.string(),
  status: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  resultCode: z.number(),
  result: z.unknown().optional(),
  instanceType: z.string().nullable(),
  instanceId: z.string().nullable(),
  created: z.string(),
  completed: z.string().nullable(),
});

export const stateSchema = z.object({
  version: z.literal(1),
  nextDbId: z.number(),
  users: z.array(userSchema),
  zone: z.object({
    id: z.string(),
    name: z.string(),
    dns1: z.string(),
    dns2: z.string(),
    internaldns1: z.string(),
    guestcidraddress: z.string(),
  }),
  domain: z.object({ id: z.string(), name: z.string() }),
  networks: z.array(networkSchema),
  serviceOfferings: z.array(serviceOfferingSchema),
  osCategories: z.array(osCategorySchema),
  osTypes: z.array(osTypeSchema),
  configurations: z.array(configurationSchema),
  imageStores: z.array(imageStoreSchema),
  templates: z.array(templateSchema),
  vms: z.array(vmSchema),
  /** ids of expunged VMs: a parameter still resolves them (findByUuidIncludingRemoved), lists leave them out */
  expungedVmIds: z.array(z.string()).default([]),
  jobs: z.array(jobSchema),
});

export type LabState = z.infer<typeof stateSchema>;
export type LabUser = z.infer<typeof userSchema>;
export type LabNetwork = z.infer<typeof networkSchema>;
export type LabConfiguration = z.infer<typeof configurationSchema>;
export type LabImageStore = z.infer<typeof imageStoreSchema>;
export type LabTemplate = z.infer<typeof templateSchema>;
export type LabStoreRef = z.infer<typeof storeRefSchema>;
export type LabVm = z.infer<typeof vmSchema>;
export type LabNic = z.infer<typeof nicSchema>;
export type LabJob = z.infer<typeof jobSchema>;
export type LabServiceOffering = z.infer<typeof serviceOfferingSchema>;
export type LabOsType = z.infer<typeof osTypeSchema>;

export function stateFile(dir: string): string {
  return path.join(dir, 'cloudstack', 'state.json');
}

/** The stored state, or null when the lab dir has none yet. A corrupt file is an error, not a reset. */
export function loadState(dir: string): LabState | null {
  let text: string;
  try {
    text = readFileSync(stateFile(dir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const parsed = stateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `${stateFile(dir)} is not a lab CloudStack state (${parsed.error.issues[0]?.message}); delete it to start from the seed`,
    );
  }
  return parsed.data;
}

export function saveState(dir: string, state: LabState): void {
  const file = stateFile(dir);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 1)}\n`);
  renameSync(tmp, file);
}

/** Internal numeric ids (instance names i-2-<id>-VM, messages that show the database id). */
export function nextDbId(state: LabState): number {
  state.nextDbId += 1;
  return state.nextDbId;
}
