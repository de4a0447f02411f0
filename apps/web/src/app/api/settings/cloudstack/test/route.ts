// "Test connection": signs real requests with the given (or the stored)
// credentials and reports what CloudStack answered: the zones, and for the
// chosen zone its networks, service offerings and OS types, which the
// mapping tables offer as choices. A failure is an answer too (ok: false,
// CloudStack's own error text), not an HTTP error.
import { AppError, errorMessage } from '@vzferry/core';
import { createCloudStackClient, CloudStackError } from '@vzferry/cloudstack';
import { loadCloudStackCredentials } from '@vzferry/db';
import {
  connectionTestInputSchema,
  connectionTestSchema,
  type ConnectionTest,
  type ConnectionTestInput,
} from '@/api/settings';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const POST = route(
  { access: 'administer', body: connectionTestInputSchema, output: connectionTestSchema },
  async ({ body }) => {
    const { db, secrets } = server();
    const secretKey = body.secretKey || (await loadCloudStackCredentials(db, secrets))?.secretKey;
    if (!secretKey) throw new AppError('secret_required', 'enter the secret key (none is stored yet)');
    return testConnection({ ...body, secretKey });
  },
);

async function testConnection(input: ConnectionTestInput & { secretKey: string }): Promise<ConnectionTest> {
  const client = createCloudStackClient({
    endpoint: input.endpoint,
    apiKey: input.apiKey,
    secretKey: input.secretKey,
    timeoutMs: 10_000,
    readAttempts: 1,
  });
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
      offerings: offerings.map((o) => ({
        id: o.id,
        name: o.name,
        cpunumber: o.cpunumber ?? null,
        memory: o.memory ?? null,
      })),
      osTypes: osTypes.map((o) => ({ id: o.id, description: o.description })),
    };
  } catch (err) {
    const detail = err instanceof CloudStackError ? err.message : errorMessage(err);
    return { ok: false, elapsedMs: Date.now() - started, error: detail };
  }
}
