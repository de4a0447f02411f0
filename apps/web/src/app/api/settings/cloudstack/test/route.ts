// "Test connection": signs real requests with the given (or the stored)
// credentials and reports what CloudStack answered: the zones, and for the
// chosen zone its networks, service offerings and OS types, which the
// mapping tables offer as choices. A failure is an answer too (ok: false),
// not an HTTP error.
//
// It is not a request forwarder: the stored secret goes only to the saved
// endpoint (another endpoint needs its secret typed in), redirects are not
// followed (transport.ts), and what an endpoint that is not CloudStack
// answered is not shown, only its HTTP status: otherwise this form would
// read pages of the converter network for whoever fills it in.
import { AppError, errorMessage } from '@vzferry/core';
import {
  CloudStackError,
  CloudStackResponseError,
  CloudStackTransportError,
  createCloudStackClient,
} from '@vzferry/cloudstack';
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
  {
    access: 'administer',
    audit: { action: 'settings.cloudstack_test', target: 'Setting' },
    body: connectionTestInputSchema,
    output: connectionTestSchema,
  },
  async ({ body }) => testConnection({ ...body, secretKey: await secretFor(body) }),
);

/** The typed secret, or the stored one when the endpoint is the one it was stored for. */
async function secretFor(input: ConnectionTestInput): Promise<string> {
  if (input.secretKey) return input.secretKey;
  const { db, secrets } = server();
  const stored = await loadCloudStackCredentials(db, secrets);
  if (!stored) throw new AppError('secret_required', 'enter the secret key (none is stored yet)');
  if (stored.endpoint !== input.endpoint) {
    throw new AppError('secret_required', 'enter the secret key: the stored one is only sent to the saved endpoint');
  }
  return stored.secretKey;
}

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
    return { ok: false, elapsedMs: Date.now() - started, error: failureText(err) };
  }
}

/** CloudStack's own refusal (its API error envelope), or only how the endpoint failed. */
function failureText(err: unknown): string {
  if (err instanceof CloudStackTransportError) {
    return err.httpStatus === null
      ? err.message
      : `HTTP ${err.httpStatus}: that endpoint did not answer as CloudStack's API does`;
  }
  if (err instanceof CloudStackResponseError) return "the endpoint answered, but not with what CloudStack's API sends";
  if (err instanceof CloudStackError) return err.message;
  return errorMessage(err);
}
