// The three mappings of the Settings page: source network -> CloudStack
// network, container size -> service offering, detected OS -> OS type.
// Each is saved as a whole list in one transaction (the page edits the
// list), validated first: overlapping networks or duplicate keys change
// nothing.
import { AppError, parseCidr, parseInput } from '@vzferry/core';
import { z } from 'zod';
import { type Db, prismaOf } from '../client';

const id = z.string().trim().min(1).max(64);
const optionalName = z.string().trim().max(255).nullable().optional();

export const networkMappingSchema = z.object({
  name: z.string().trim().min(1, 'name is empty').max(100),
  cidr: z
    .string()
    .trim()
    .refine((c) => safe(() => parseCidr(c)), 'cidr must be a network such as 198.51.100.0/24 or 2001:db8::/64'),
  sourceVlan: z.number().int().min(1).max(4094).nullable().optional(),
  gateway: z.string().trim().max(45).nullable().optional(),
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
  distribution: z.string().trim().toLowerCase().min(1).max(32),
  version: z.string().trim().min(1).max(16),
  osTypeId: id,
  osTypeName: optionalName,
  legacyOsTypeId: id.nullable().optional(),
  legacyOsTypeName: optionalName,
});

export const mappingsSchema = z.object({
  networks: z.array(networkMappingSchema).max(1000),
  offerings: z.array(offeringMappingSchema).max(1000),
  osTypes: z.array(osTypeMappingSchema).max(1000),
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

export async function saveMappings(db: Db, input: unknown) {
  const client = prismaOf(db);
  const m = parseInput(mappingsSchema, input);
  const problems = [
    ...duplicates(
      m.networks.map((n) => parseCidr(n.cidr).text),
      'network',
    ),
    ...duplicates(
      m.offerings.map((o) => `${o.maxRamMb} MiB / ${o.maxCpus} CPUs`),
      'offering size',
    ),
    ...duplicates(
      m.osTypes.map((o) => `${o.distribution} ${o.version}`),
      'OS',
    ),
  ];
  if (problems.length > 0) throw new AppError('invalid_input', problems.join('; '));
  await client.$transaction(async (tx) => {
    await tx.networkMapping.deleteMany();
    await tx.offeringMapping.deleteMany();
    await tx.osTypeMapping.deleteMany();
    await tx.networkMapping.createMany({ data: m.networks.map((n) => ({ ...n, cidr: parseCidr(n.cidr).text })) });
    await tx.offeringMapping.createMany({ data: m.offerings });
    await tx.osTypeMapping.createMany({ data: m.osTypes });
  });
  return readMappings(db);
}

function duplicates(keys: string[], what: string): string[] {
  return keys.filter((k, i) => keys.indexOf(k) !== i).map((k) => `${what} ${k} is mapped twice`);
}
