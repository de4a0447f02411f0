// Source hosts: the list the hosts page polls, adding one, accepting its SSH
// host key and queueing an import. The private key goes in once and never
// comes back: no answer here declares it.
import { z } from 'zod';
import { isoDate } from './wire';

// the body of POST /api/hosts is packages/db's sourceHostInputSchema, the one that checks what reaches SSH
export type { SourceHostInput as NewSourceHost } from '@vzferry/db';

export const sourceHostListSchema = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    address: z.string(),
    port: z.number().int(),
    username: z.string(),
    platform: z.string(),
    hostKeyState: z.string(),
    hostKeyFingerprint: z.string().nullable(),
    hostKeyAlgorithm: z.string().nullable(),
    pendingHostKeyFingerprint: z.string().nullable(),
    pendingHostKeyAlgorithm: z.string().nullable(),
    hostKeySeenAt: isoDate.nullable(),
    lastError: z.string().nullable(),
    /** containers still on the host */
    containers: z.number().int(),
    lastImport: z
      .object({
        id: z.string(),
        status: z.string(),
        progressPercent: z.number(),
        message: z.string().nullable(),
        containersSeen: z.number().int(),
        created: z.number().int(),
        updated: z.number().int(),
        vanished: z.number().int(),
        error: z.string().nullable(),
        queuedAt: isoDate,
        startedAt: isoDate.nullable(),
        finishedAt: isoDate.nullable(),
      })
      .nullable(),
  }),
);
export type SourceHost = z.output<typeof sourceHostListSchema>[number];

export const sourceHostCreatedSchema = z.object({ id: z.string(), name: z.string() });
export type SourceHostCreated = z.output<typeof sourceHostCreatedSchema>;

/** Accepting pins exactly the fingerprint the engineer saw. */
export const acceptHostKeySchema = z.object({
  fingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'fingerprint must look like SHA256:<43 base64 characters>'),
});
export type AcceptHostKey = z.input<typeof acceptHostKeySchema>;

export const hostKeyAcceptedSchema = z.object({
  id: z.string(),
  hostKeyState: z.string(),
  hostKeyFingerprint: z.string().nullable(),
});
export type HostKeyAccepted = z.output<typeof hostKeyAcceptedSchema>;

export const importQueuedSchema = z.object({ importId: z.string() });
export type ImportQueued = z.output<typeof importQueuedSchema>;
