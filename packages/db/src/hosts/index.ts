// Source hosts as the web app adds and lists them. The private key is sealed
// with the instance key before it is stored and never leaves this module
// again (listings select what the hosts page shows, nothing more).
import { AppError, NotFoundError, parseInput } from '@vzferry/core';
import { z } from 'zod';
import { type Db, prismaOf } from '../client';
import type { SecretBox } from '../secret-box';

// a DNS name, an IPv4 or an IPv6 address: nothing a shell could read as syntax
const ADDRESS =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]+)$/;
const PRIVATE_KEY =
  /^-----BEGIN (?:OPENSSH|RSA|EC|DSA) PRIVATE KEY-----\r?\n[\s\S]+\r?\n-----END (?:OPENSSH|RSA|EC|DSA) PRIVATE KEY-----\s*$/;

export const sourceHostInputSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'name is empty')
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'name: letters, digits, dot, dash and underscore only'),
  address: z
    .string()
    .trim()
    .min(1, 'address is empty')
    .max(253)
    .regex(ADDRESS, 'address must be a host name or an IP address'),
  port: z.coerce.number().int().min(1).max(65535).default(22),
  username: z
    .string()
    .trim()
    .min(1)
    .max(32)
    .regex(/^[a-z_][a-z0-9_-]*$/, 'username: a Unix user name')
    .default('root'),
  privateKey: z.string().regex(PRIVATE_KEY, 'privateKey must be an unencrypted private key in PEM or OpenSSH format'),
  maxConcurrentMigrations: z.coerce.number().int().min(1).max(64).default(4),
});

export type SourceHostInput = z.input<typeof sourceHostInputSchema>;

export async function createSourceHost(db: Db, secrets: SecretBox, input: unknown) {
  const client = prismaOf(db);
  const { privateKey, ...fields } = parseInput(sourceHostInputSchema, input);
  const taken = await client.sourceHost.findUnique({ where: { name: fields.name }, select: { id: true } });
  if (taken) throw new AppError('host_exists', `a source host named ${fields.name} already exists`);
  return client.$transaction(async (tx) => {
    const host = await tx.sourceHost.create({
      data: { ...fields, privateKeyEnc: secrets.seal(privateKey) },
      select: { id: true, name: true },
    });
    return host;
  });
}

/** The host's name and key state; a host that does not exist is not_found. */
export async function requireSourceHost(db: Db, id: string) {
  const client = prismaOf(db);
  const host = await client.sourceHost.findUnique({
    where: { id },
    select: { id: true, name: true, hostKeyState: true },
  });
  if (!host) throw new NotFoundError('source host', id);
  return host;
}

export async function listSourceHosts(db: Db) {
  const client = prismaOf(db);
  const hosts = await client.sourceHost.findMany({
    orderBy: { name: 'asc' },
    select: {
      id: true,
      name: true,
      address: true,
      port: true,
      username: true,
      platform: true,
      hostKeyState: true,
      hostKeyFingerprint: true,
      hostKeyAlgorithm: true,
      pendingHostKeyFingerprint: true,
      pendingHostKeyAlgorithm: true,
      hostKeySeenAt: true,
      lastError: true,
      _count: { select: { containers: { where: { vanishedAt: null } } } },
      imports: { orderBy: { queuedAt: 'desc' }, take: 1 },
    },
  });
  return hosts.map(({ _count, imports, ...h }) => ({
    ...h,
    containers: _count.containers,
    lastImport: imports[0] ?? null,
  }));
}

export type SourceHostListItem = Awaited<ReturnType<typeof listSourceHosts>>[number];

/** A host as the inventory jobs and the demo seed read it (null when it does not exist). */
export async function findSourceHost(db: Db, by: { id: string } | { name: string }) {
  return prismaOf(db).sourceHost.findUnique({ where: by });
}

/**
 * What it takes to log in to a host: its address, user, the private key
 * (opened here, for the caller to use and forget) and the pinned host key.
 * A host whose key is not accepted is refused.
 */
export async function loadSourceHostLogin(db: Db, secrets: SecretBox, id: string) {
  const host = await prismaOf(db).sourceHost.findUnique({ where: { id } });
  if (!host) throw new NotFoundError('source host', id);
  if (host.hostKeyState !== 'accepted' || !host.hostKeyFingerprint) {
    throw new AppError('host_key_not_accepted', `the SSH host key of ${host.name} is not accepted`);
  }
  return {
    name: host.name,
    address: host.address,
    port: host.port,
    username: host.username,
    privateKey: secrets.open(host.privateKeyEnc),
    hostKeyFingerprint: host.hostKeyFingerprint,
    hostKeyAlgorithm: host.hostKeyAlgorithm,
    hostPublicKey: host.hostPublicKey,
  };
}

/** A host seen again at another address or with a new client key (a rebuilt lab); its pinned key stays. */
export async function updateSourceHostLogin(
  db: Db,
  secrets: SecretBox,
  id: string,
  login: { address: string; port: number; privateKey: string },
) {
  return prismaOf(db).sourceHost.update({
    where: { id },
    data: { address: login.address, port: login.port, privateKeyEnc: secrets.seal(login.privateKey) },
  });
}
