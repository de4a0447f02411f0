// The three mappings of the Settings page: source network -> CloudStack
// network, container size -> service offering, detected OS -> OS type.
// Each is saved as a whole list in one transaction (the page edits the
// list), validated first: overlapping networks or duplicate keys change
// nothing.
import { AppError, cloudStackIdSchema, parseCidr, parseInput, safeText } from '@vzferry/core';
import { z } from 'zod';
import { type Db, prismaOf } from '../client';

// every text field is safeText (PostgreSQL text holds no NUL byte) with a length cap
const id = cloudStackIdSchema;
const optionalName = safeText().trim().max(255).nullable().optional();

export const networkMappingSchema = z.object({
  name: safeText().trim().min(1, 'name is empty').max(100),
  cidr: safeText()
    .trim()
    .max(49)
    .refine((c) => safe(() => parseCidr(c)), 'cidr must be a network such as 198.51.100.0/24 or 2001:db8::/64'),
  sourceVlan: z.number().int().min(1).max(4094).nullable().optional(),
  gateway: safeText().trim().max(45).nullable().optional(),
  cloudstackNetworkId: id,
  cloudstackNetworkName: optionalName,
});
export const offeringMappingSchema = z.object({
  maxRamMb: z
    .number()
    .int()
    .min(64)
    .max(4 * 1024 * 1024),
  maxCpus: z.number().int().min(1).max(512),
  serviceOfferingId: id,
  serviceOfferingName: optionalName,
});
export const osTypeMappingSchema = z.object({
  distribution: safeText().trim().toLowerCase().min(1).max(32),
  version: safeText().trim().min(1).max(16),
  osTypeId: id,
  osTypeName: optionalName,
  legacyOsTypeId: id.nullable().optional(),
  legacyOsTypeName: optionalName,
});

export const mappingsSchema = z.object({
  networks: z.array(networkMappingSchema).max(1000),
  offerings: z.array(offeringMappingSchema).max(1000),
  osTypes: z.array(osTypeMappingSchema).max(1000),
  /** the lists leave out saved mappings: remove them (without it, such a save is refused and changes nothing) */
  confirmRemove: z.boolean().optional(),
});
export type Mappings = z.infer<typeof mappingsSchema>;

function safe(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

// the rows' own types: every field present, null where empty (the input schema has them optional)
export async function readMappings(db: Db) {
  const client = prismaOf(db);
  const [networks, offerings, osTypes] = await Promise.all([
    client.networkMapping.findMany({ orderBy: { cidr: 'asc' } }),
    client.offeringMapping.findMany({ orderBy: [{ maxRamMb: 'asc' }, { maxCpus: 'asc' }] }),
    client.osTypeMapping.findMany({ orderBy: [{ distribution: 'asc' }, { version: 'asc' }] }),
  ]);
  const pick = <T extends object, K extends keyof T>(o: T, keys: K[]) =>
    Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
  return {
    networks: networks.map((n) =>
      pick(n, ['name', 'cidr', 'sourceVlan', 'gateway', 'cloudstackNetworkId', 'cloudstackNetworkName']),
    ),
    offerings: offerings.map((o) => pick(o, ['maxRamMb', 'maxCpus', 'serviceOfferingId', 'serviceOfferingName'])),
    osTypes: osTypes.map((o) =>
      pick(o, ['distribution', 'version', 'osTypeId', 'osTypeName', 'legacyOsTypeId', 'legacyOsTypeName']),
    ),
  };
}

/** The saved mappings a save leaves out, each by what it maps (a network's CIDR, an offering's size, an OS). */
export interface RemovedMappings {
  networks: string[];
  offerings: string[];
  osTypes: string[];
}

const networkKey = (n: { cidr: string }) => parseCidr(n.cidr).text;
const offeringKey = (o: { maxRamMb: number; maxCpus: number }) => `${o.maxRamMb} MiB / ${o.maxCpus} CPUs`;
const osKey = (o: { distribution: string; version: string }) => `${o.distribution} ${o.version}`;

/**
 * Replaces the three lists. A save that would remove saved mappings (an
 * empty list wipes them all) needs `confirmRemove: true`; otherwise it is
 * refused (409 confirmation_required, the mappings it would remove in the
 * details) and nothing changes. Returns the saved lists and what was removed,
 * for the audit row.
 */
export async function saveMappings(db: Db, input: unknown) {
  const client = prismaOf(db);
  const m = parseInput(mappingsSchema, input);
  const problems = [
    ...duplicates(m.networks.map(networkKey), 'network'),
    ...duplicates(m.offerings.map(offeringKey), 'offering size'),
    ...duplicates(m.osTypes.map(osKey), 'OS'),
  ];
  if (problems.length > 0) throw new AppError('invalid_input', problems.join('; '));
  const removed = await client.$transaction(async (tx) => {
    const gone = removedBy(m, {
      networks: await tx.networkMapping.findMany({ select: { cidr: true } }),
      offerings: await tx.offeringMapping.findMany({ select: { maxRamMb: true, maxCpus: true } }),
      osTypes: await tx.osTypeMapping.findMany({ select: { distribution: true, version: true } }),
    });
    if (countOf(gone) > 0 && !m.confirmRemove) throw removalUnconfirmed(gone);
    await tx.networkMapping.deleteMany();
    await tx.offeringMapping.deleteMany();
    await tx.osTypeMapping.deleteMany();
    await tx.networkMapping.createMany({ data: m.networks.map((n) => ({ ...n, cidr: networkKey(n) })) });
    await tx.offeringMapping.createMany({ data: m.offerings });
    await tx.osTypeMapping.createMany({ data: m.osTypes });
    return gone;
  });
  return { mappings: await readMappings(db), removed };
}

function removedBy(
  next: Mappings,
  saved: {
    networks: { cidr: string }[];
    offerings: { maxRamMb: number; maxCpus: number }[];
    osTypes: { distribution: string; version: string }[];
  },
): RemovedMappings {
  const missing = <T>(rows: T[], key: (r: T) => string, kept: string[]) =>
    rows.map(key).filter((k) => !kept.includes(k));
  return {
    networks: missing(saved.networks, networkKey, next.networks.map(networkKey)),
    offerings: missing(saved.offerings, offeringKey, next.offerings.map(offeringKey)),
    osTypes: missing(saved.osTypes, osKey, next.osTypes.map(osKey)),
  };
}

const countOf = (r: RemovedMappings) => r.networks.length + r.offerings.length + r.osTypes.length;

function removalUnconfirmed(gone: RemovedMappings): AppError {
  const lists = [
    gone.networks.length ? `networks ${gone.networks.join(', ')}` : '',
    gone.offerings.length ? `offerings ${gone.offerings.join(', ')}` : '',
    gone.osTypes.length ? `OS types ${gone.osTypes.join(', ')}` : '',
  ].filter(Boolean);
  const n = countOf(gone);
  return new AppError(
    'confirmation_required',
    `this save removes ${n} saved mapping${n === 1 ? '' : 's'} (${lists.join('; ')}); confirm the removal to save`,
    { details: gone },
  );
}

function duplicates(keys: string[], what: string): string[] {
  return keys.filter((k, i) => keys.indexOf(k) !== i).map((k) => `${what} ${k} is mapped twice`);
}
