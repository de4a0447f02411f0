import { AppError } from '@vzferry/core';
import { checkNetworkMappings, CloudStackTransportError, createCloudStackClient } from '@vzferry/cloudstack';
import { loadCloudStackCredentials, mappingsSchema, saveMappings, type Mappings } from '@vzferry/db';
import { mappingsViewSchema } from '@/api/settings';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/**
 * The three lists replace the saved ones together, or nothing changes. A
 * save that leaves saved mappings out needs `confirmRemove: true` (409
 * confirmation_required otherwise); the audit row lists what it removed.
 */
export const PUT = route(
  {
    access: 'administer',
    audit: { action: 'settings.mappings', target: 'Setting' },
    body: mappingsSchema,
    output: mappingsViewSchema,
  },
  async ({ body, audit }) => {
    await checkAgainstCloudStack(body.networks);
    const { mappings: saved, removed } = await saveMappings(server().db, body);
    audit({
      targetId: 'mappings',
      details: {
        networks: saved.networks.length,
        offerings: saved.offerings.length,
        osTypes: saved.osTypes.length,
        removed,
      },
    });
    return saved;
  },
);

/**
 * Every network mapping against CloudStack's listNetworks before anything is
 * saved: the VM's default route and prefix come from the mapping's gateway
 * and CIDR, so a blank or mismatching one is refused here (400, per field),
 * not found later as a VM without a default route.
 */
async function checkAgainstCloudStack(networks: Mappings['networks']): Promise<void> {
  if (networks.length === 0) return;
  const { db, secrets } = server();
  const cs = await loadCloudStackCredentials(db, secrets);
  if (!cs) {
    throw new AppError(
      'invalid_input',
      'networks: network mappings are checked against CloudStack; fill in Settings > CloudStack connection first',
    );
  }
  const client = createCloudStackClient({
    endpoint: cs.endpoint,
    apiKey: cs.apiKey,
    secretKey: cs.secretKey,
    timeoutMs: 10_000,
    readAttempts: 1,
  });
  let listed;
  try {
    listed = await client.listNetworks({ zoneId: cs.zoneId });
  } catch (err) {
    // only how it failed: what the endpoint answered stays out of the answer (see cloudstack/test/route.ts)
    const how = err instanceof CloudStackTransportError ? 'did not answer' : 'refused listNetworks';
    throw new AppError('cloudstack_unavailable', `CloudStack ${how}: the network mappings could not be checked`, {
      cause: err,
    });
  }
  const problems = checkNetworkMappings(networks, listed);
  if (problems.length === 0) return;
  throw new AppError('invalid_input', problems.map((p) => `networks.${p.index}.${p.field}: ${p.reason}`).join('; '), {
    details: problems.map((p) => ({ path: ['networks', p.index, p.field], message: p.reason })),
  });
}
