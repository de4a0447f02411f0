// "Test connection": signs real requests with the given (or the stored)
// credentials and reports what CloudStack answered: the zones, and for the
// chosen zone its networks, service offerings and OS types, which the
// mapping tables offer as choices. A failure is an answer too (ok: false,
// CloudStack's own error text), not an HTTP error.
import { AppError, errorMessage } from '@vzferry/core';
import { createCloudStackClient, CloudStackError } from '@vzferry/cloudstack';
import { loadCloudStackCredentials } from '@vzferry/db';
import { z } from 'zod';
import { server } from '@/server/context';
import { handle, jsonBody, parseInput } from '@/server/route';

export const dynamic = 'force-dynamic';

const bodySchema = z.object({
  endpoint: z.url('the API endpoint must be a URL'),
  apiKey: z.string().trim().min(1, 'the API key is required'),
  secretKey: z.string().trim().max(512).nullable().optional(),
  zoneId: z.string().trim().max(64).nullable().optional(),
});

export const POST = handle(async (req) => {
  const input = parseInput(bodySchema, await jsonBody(req));
  const { db, secrets } = server();
  const secretKey = input.secretKey || (await loadCloudStackCredentials(db, secrets))?.secretKey;
  if (!secretKey) throw new AppError('secret_required', 'enter the secret key (none is stored yet)');
  const client = createCloudStackClient({ endpoint: input.endpoint, apiKey: input.apiKey, secretKey, timeoutMs: 10_000, readAttempts: 1 });
  const started = Date.now();
  try {
    const zones = await client.listZones({});
    const zoneId = input.zoneId && zones.some((z) => z.id === input.zoneId) ? input.zoneId : zones[0]?.id;
    const [networks, offerings, osTypes] = zoneId
      ? await Promise.all([client.listNetworks({ zoneId }), client.listServiceOfferings({}), client.listOsTypes({})])
      : [[], [], []];
    return {
      ok: true,
      elapsedMs: Date.now() - started,
      zones: zones.map((z) => ({ id: z.id, name: z.name })),
      zoneId: zoneId ?? null,
      networks: networks.map((n) => ({ id: n.id, name: n.name, cidr: n.cidr ?? null })),
      offerings: offerings.map((o) => ({ id: o.id, name: o.name, cpunumber: o.cpunumber ?? null, memory: o.memory ?? null })),
      osTypes: osTypes.map((o) => ({ id: o.id, description: o.description })),
    };
  } catch (err) {
    const detail = err instanceof CloudStackError ? err.message : errorMessage(err);
    return { ok: false, elapsedMs: Date.now() - started, error: detail };
  }
});
