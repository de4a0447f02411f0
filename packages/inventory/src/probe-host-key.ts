// probe_host_key: read a source host's SSH host key without logging in and
// record it. A new host's key waits for an engineer (pending); a key that
// differs from the accepted one is recorded as pending and flagged on the
// host, and stays refused.
import { errorMessage } from '@vzferry/core';
import { findSourceHost, recordHostKeySeen, recordSourceHostError } from '@vzferry/db';
import type { JobPayload } from '@vzferry/queue';
import { probeHostKey } from '@vzferry/ssh';
import type { InventoryJobDeps } from './inventory-deps';

export async function probeHostKeyJob(deps: InventoryJobDeps, payload: JobPayload<'probe_host_key'>): Promise<void> {
  const host = await findSourceHost(deps.db, { id: payload.sourceHostId });
  if (!host) return deps.log(`probe_host_key: source host ${payload.sourceHostId} no longer exists`);
  try {
    const key = await probeHostKey({
      host: host.address,
      port: host.port,
      timeoutMs: deps.probeTimeoutMs ?? 15_000,
      algorithm: host.hostKeyAlgorithm ?? undefined,
    });
    const verdict = await recordHostKeySeen(deps.db, host.id, key);
    deps.log(`probe_host_key: ${host.name} presents ${key.fingerprint} (${key.algorithm}): ${verdict}`);
  } catch (err) {
    await recordSourceHostError(deps.db, host.id, errorMessage(err));
    deps.log(`probe_host_key: ${host.name}: ${errorMessage(err)}`);
  }
}
