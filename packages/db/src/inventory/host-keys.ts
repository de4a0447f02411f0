// The SSH host key of a source host: seen on first contact (pending), pinned
// when an engineer accepts it, and a changed key is refused until someone
// accepts the new one. The accepted key never changes by itself.
import { AppError, NotFoundError, parseInput } from '@vzferry/core';
import { z } from 'zod';
import { type Db, prismaOf } from '../client';
import { requireSourceHost } from '../hosts';

export const hostKeySchema = z.object({
  fingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a host key fingerprint looks like SHA256:<43 base64 characters>'),
  algorithm: z.string().regex(/^[a-z0-9@.-]{1,64}$/),
  publicKey: z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/)
    .max(16_384),
});
export type SeenHostKey = z.infer<typeof hostKeySchema>;

export type HostKeyVerdict =
  /** no key accepted yet: this one waits for an engineer */
  | 'pending'
  /** the accepted key, seen again */
  | 'accepted'
  /** differs from the accepted key: refused, kept as pending for review */
  | 'changed';

export async function recordHostKeySeen(
  db: Db,
  hostId: string,
  seen: SeenHostKey,
  now: Date = new Date(),
): Promise<HostKeyVerdict> {
  const client = prismaOf(db);
  const key = parseInput(hostKeySchema, seen);
  const pending = {
    pendingHostKeyFingerprint: key.fingerprint,
    pendingHostKeyAlgorithm: key.algorithm,
    pendingHostPublicKey: key.publicKey,
    hostKeySeenAt: now,
  };
  return client.$transaction(async (tx) => {
    const host = await tx.sourceHost.findUnique({ where: { id: hostId } });
    if (!host) throw new NotFoundError('source host', hostId);
    if (host.hostKeyState !== 'accepted' || !host.hostKeyFingerprint) {
      await tx.sourceHost.update({ where: { id: hostId }, data: { ...pending, hostKeyState: 'pending' } });
      return 'pending';
    }
    if (host.hostKeyFingerprint === key.fingerprint) {
      await tx.sourceHost.update({
        where: { id: hostId },
        data: {
          hostKeySeenAt: now,
          pendingHostKeyFingerprint: null,
          pendingHostKeyAlgorithm: null,
          pendingHostPublicKey: null,
        },
      });
      return 'accepted';
    }
    await tx.sourceHost.update({
      where: { id: hostId },
      data: { ...pending, lastError: hostKeyChangedMessage(host.name, host.hostKeyFingerprint, key.fingerprint) },
    });
    return 'changed';
  });
}

export function hostKeyChangedMessage(hostName: string, pinned: string, seen: string): string {
  return (
    `host key changed: ${hostName} now presents ${seen}, but ${pinned} is accepted. ` +
    'Nothing is imported from or run on this host until an engineer compares the new fingerprint with the one on the hypervisor console and accepts it.'
  );
}

/**
 * Pins the pending key. Only the fingerprint the engineer saw is accepted:
 * if the host presented another key meanwhile, nothing changes.
 */
export async function acceptHostKey(db: Db, hostId: string, fingerprint: string) {
  const client = prismaOf(db);
  return client.$transaction(async (tx) => {
    const host = await tx.sourceHost.findUnique({ where: { id: hostId } });
    if (!host) throw new NotFoundError('source host', hostId);
    if (!host.pendingHostKeyFingerprint || host.pendingHostKeyFingerprint !== fingerprint) {
      const now = host.pendingHostKeyFingerprint
        ? `the host now presents ${host.pendingHostKeyFingerprint}`
        : 'no key is waiting for acceptance';
      throw new AppError(
        'host_key_not_pending',
        `cannot accept ${fingerprint} for ${host.name}: ${now}. Probe the host again and compare the fingerprint.`,
      );
    }
    const updated = await tx.sourceHost.updateMany({
      where: { id: hostId, pendingHostKeyFingerprint: fingerprint },
      data: {
        hostKeyState: 'accepted',
        hostKeyFingerprint: host.pendingHostKeyFingerprint,
        hostKeyAlgorithm: host.pendingHostKeyAlgorithm,
        hostPublicKey: host.pendingHostPublicKey,
        pendingHostKeyFingerprint: null,
        pendingHostKeyAlgorithm: null,
        pendingHostPublicKey: null,
        lastError: null,
      },
    });
    if (updated.count !== 1)
      throw new AppError(
        'host_key_not_pending',
        `the host key of ${host.name} changed while accepting it; probe again`,
      );
    return tx.sourceHost.findUniqueOrThrow({ where: { id: hostId } });
  });
}

/** An import reads a host only over its pinned key: without one, nothing is queued. */
export async function requireAcceptedHostKey(db: Db, hostId: string): Promise<void> {
  const host = await requireSourceHost(db, hostId);
  if (host.hostKeyState !== 'accepted')
    throw new AppError('host_key_not_accepted', `accept the SSH host key of ${host.name} before importing`);
}

/** A probe or import could not reach the host: the hosts page shows why. */
export async function recordSourceHostError(db: Db, hostId: string, message: string): Promise<void> {
  const client = prismaOf(db);
  await client.sourceHost.update({ where: { id: hostId }, data: { lastError: message.slice(0, 4000) } });
}
